"""What a module may hold: text cleaned with the agreements' allow-list, and videos only from
hosts whose privacy-enhanced players the Content-Security-Policy lets the page frame.

A video link is accepted from YouTube or Vimeo in the forms people copy (watch page, short
link, embed link) and played through `youtube-nocookie.com` or `player.vimeo.com` with
`dnt=1`: no tracking cookie is set until the learner presses play. The hosts here and
`CONTENT_SECURITY_POLICY["frame-src"]` are the same two (a test keeps them so).
"""

import re
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from partners.agreements.services import sanitize

#: the players a module's video plays in
EMBED_HOSTS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")

_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com"}
_YOUTUBE_HOSTS |= {"www.youtube-nocookie.com"}
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^[0-9]{1,12}$")


def clean_html(html: str) -> str:
    """A module's text as stored and shown: the partner agreement's allow-list (one list for
    every text the vendor writes for partners)."""
    return sanitize(html or "").strip()


def video_embed(url: str) -> str:
    """The privacy-enhanced player URL for a YouTube or Vimeo link; `ValidationError` for any
    other link (another host, or no video id in it)."""
    parts = urlsplit((url or "").strip())
    host = (parts.hostname or "").lower()
    if parts.scheme in ("http", "https"):
        segments = [s for s in parts.path.split("/") if s]
        if host in _YOUTUBE_HOSTS:
            if segments[:1] == ["watch"]:
                video = (parse_qs(parts.query).get("v") or [""])[0]
            elif segments[:1] in (["embed"], ["shorts"], ["live"]) and len(segments) > 1:
                video = segments[1]
            else:
                video = ""
            if _YOUTUBE_ID.match(video):
                return f"{EMBED_HOSTS[0]}/embed/{video}"
        elif host == "youtu.be" and segments and _YOUTUBE_ID.match(segments[0]):
            return f"{EMBED_HOSTS[0]}/embed/{segments[0]}"
        elif host in _VIMEO_HOSTS:
            video = segments[-1] if segments else ""
            if _VIMEO_ID.match(video):
                return f"{EMBED_HOSTS[1]}/video/{video}?dnt=1"
    raise ValidationError(
        _("Give a link to a video on YouTube or Vimeo (for example https://youtu.be/…).")
    )
