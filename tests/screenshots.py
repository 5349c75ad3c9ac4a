"""Regenerate the README's screenshots: the seeds' front page and an article, light and dark, on a
desktop and a phone, into docs/screenshots/*.png.

    python tests/screenshots.py [--site FOLDER] [--out FOLDER]

Builds the seeds into a temporary folder (or takes a built site with --site) and photographs it in
Debian's Chromium (/usr/bin/chromium), as the browser tests do.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402

from chronique.build import BuildRequest, build_site  # noqa: E402
from test_browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE  # noqa: E402

DEVICES = {"desktop": DESKTOP, "phone": PHONE}
SCHEMES = ("light", "dark")


def build_seeds(work: Path) -> Path:
    shutil.copytree(REPO / "seeds", work / "seeds")
    build_site(BuildRequest(content=work / "seeds", output=work / "site", cwd=work, clean=True, key_file=None))
    return work / "site"


def photograph(site: Path, out: Path) -> list[Path]:
    """front-DEVICE-SCHEME.png and article-DEVICE-SCHEME.png, the article being the front page's lead: the
    first screen of each, the whole desktop front page."""
    out.mkdir(parents=True, exist_ok=True)
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for device, viewport in DEVICES.items():
            page = browser.new_page(viewport=viewport)
            page.goto((site / "index.html").as_uri())
            lead = page.locator(".lead .p-name a, .article-list .p-name a").first.get_attribute("href") or ""
            for name, path in (("front", "index.html"), ("article", lead)):
                page.goto((site / path).as_uri())
                for scheme in SCHEMES:
                    page.emulate_media(color_scheme=scheme)
                    shot = out / f"{name}-{device}-{scheme}.png"
                    page.screenshot(path=str(shot), full_page=device == "desktop" and name == "front")
                    shots.append(shot)
            page.close()
        browser.close()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build the seeds)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        site = options.site or build_seeds(Path(work))
        for shot in photograph(site, options.out):
            print(shot.relative_to(REPO) if shot.is_relative_to(REPO) else shot)


if __name__ == "__main__":
    main()
