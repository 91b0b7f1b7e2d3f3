"""The web's defences shared by every page: response headers (a Content-Security-Policy with a
per-response nonce, no caching of signed-in pages), redirects that stay on the host, and masking
of secret links in what staff read."""
