"""Image files made in the test: small on disk, as large as wanted once decoded."""

import io
import struct
import zlib

from PIL import Image


def png_of(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG of `width` × `height`, all black.

    Its rows compress to almost nothing, so a 20000 × 10000 image is about 24 KB on disk and
    200 million pixels once decoded: a "decompression bomb". Written chunk by chunk, so making
    it never holds the pixels in memory either.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then 8 pixels per byte
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def image_bytes(size: tuple[int, int] = (40, 20), image_format: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "#336699").save(out, format=image_format)
    return out.getvalue()
