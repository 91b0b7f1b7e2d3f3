"""Module content: the agreements' allow-list for text, and videos only from the two
privacy-enhanced players the Content-Security-Policy frames."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from partners.agreements import services as agreements
from training.content import EMBED_HOSTS, clean_html, video_embed


def test_module_text_uses_the_agreements_allow_list_itself():
    html = (
        '<h2>Hi</h2><script>alert(1)</script><img src="x" onerror="y"><a href="javascript:z">l</a>'
    )
    assert clean_html(html) == agreements.sanitize(html).strip()
    assert "<script" not in clean_html(html)
    assert "<img" not in clean_html(html)
    assert "javascript:" not in clean_html(html)


@pytest.mark.parametrize(
    ("link", "player"),
    [
        (
            "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
        ),
        ("https://youtu.be/aqz-KE-bpKQ?t=3", "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"),
        (
            "https://www.youtube.com/embed/aqz-KE-bpKQ",
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        (
            "https://player.vimeo.com/video/76979871",
            "https://player.vimeo.com/video/76979871?dnt=1",
        ),
    ],
)
def test_a_video_link_plays_in_the_privacy_enhanced_player(link, player):
    assert video_embed(link) == player


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/watch?v=aqz-KE-bpKQ",
        "https://youtube.com.evil.example/watch?v=aqz-KE-bpKQ",
        "javascript:alert(1)",
        "https://www.youtube.com/watch?v=short",
        "https://vimeo.com/not-a-number",
        "",
    ],
)
def test_any_other_link_is_refused(link):
    with pytest.raises(ValidationError):
        video_embed(link)


def test_the_policy_frames_exactly_the_players_videos_play_in():
    assert tuple(settings.CONTENT_SECURITY_POLICY["frame-src"]) == EMBED_HOSTS
