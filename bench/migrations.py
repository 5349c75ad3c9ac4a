"""Migrating from Jekyll and Pelican: realistic content folders, built, with what each gives.

    python bench/migrations.py [--work /tmp/chronique-migrations] [--posts 48]

Writes a Jekyll site folder and a Pelican content folder under `--work` that use every
front-matter feature their documentation lists, builds each with Chronique (clean, into
`--work/NAME-site`), and prints the articles built, the files skipped, the problems and the
warnings, counted by kind.

Jekyll (jekyllrb.com/docs/front-matter, /posts, /liquid): `layout`, `title`, `date` in the forms
Ruby's Time.parse reads (with and without seconds and zone, the year repeated before the zone),
`categories` and `category`, `tags` as a list and as a string, `permalink` (fixed and a pattern),
`excerpt`, `published: false`, custom keys; `_drafts/`; Liquid (`{{ site.baseurl }}`,
`relative_url`, `{% post_url %}`, `{% link %}`, `{% include %}`, `{% highlight %}`, `{% raw %}`,
`{% comment %}`, `{% for %}`); root-relative links; pages without a date (`about.md`,
`index.html`); `_layouts/`, `_includes/`, `_config.yml` and an old `_site/`.

Pelican (docs.getpelican.com/en/latest/content.html): `Title`, `Date`, `Modified`, `Category`,
`Tags`, `Slug` (with a dot, as "…-10.8"), `Author` and `Authors`, `Summary` in Markdown,
`Status: draft` / `hidden` / `published`, `Lang` and `Translation`, `Template`, `Save_as`;
`{filename}` links; a category taken from the folder (no `Category:`); `pages/` without dates;
reStructuredText articles (not read: reported as skipped).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from chronique.build import BuildRequest, build_site  # noqa: E402

SUBJECTS = ["migration", "security", "tourism", "energy", "football", "trade", "water", "railways"]
DATE_FORMS = [
    "{d} 10:00:00 +0100",
    "{d} 09:30",
    "{d}",
    "{d} 10:00:00 {y} +0100",
    "{d}T08:15:00Z",
    "{d} 18:45:00 UTC",
]


def _day(n: int) -> tuple[str, str]:
    """A distinct day for post n, over three years."""
    year = 2014 + n % 3
    month = 1 + (n * 5) % 12
    day = 1 + (n * 7) % 28
    return str(year), f"{year}-{month:02d}-{day:02d}"


def _paragraphs(subject: str, n: int) -> str:
    return (
        f"The {subject} report number {n} was published this week. It covers the {subject} policy "
        f"of the region and its effects on trade, water and railways.\n\n"
        f"Officials said the {subject} plan would be reviewed next year, after consultation with "
        f"the partners involved in the {SUBJECTS[(n + 3) % len(SUBJECTS)]} programme."
    )


def jekyll_site(root: Path, posts: int) -> None:
    """A Jekyll site folder: `_posts/`, `_drafts/`, pages, layouts, includes, config, an old `_site/`."""
    (root / "_posts").mkdir(parents=True)
    names = []
    for n in range(posts):
        year, day = _day(n)
        names.append(f"{day}-{SUBJECTS[n % len(SUBJECTS)]}-report-{n}")
    for n, name in enumerate(names):
        subject = SUBJECTS[n % len(SUBJECTS)]
        year, day = _day(n)
        front = [f'title: "The {subject} report, part {n}"', "layout: post"]
        if n % 5 != 4:  # some posts take their date from the file name alone
            front.append("date: " + DATE_FORMS[n % len(DATE_FORMS)].format(d=day, y=year))
        front.append(f"categories: [{subject}, news]" if n % 2 else f"category: {subject}")
        front.append(f"tags: [{SUBJECTS[(n + 1) % 8]}, report]" if n % 3 else f"tags: {SUBJECTS[(n + 2) % 8]} analysis")
        if n % 4 == 1:
            front.append(f"permalink: /blog/{subject}-{n}.html")
        if n % 9 == 2:
            front.append("permalink: /:categories/:year/:title/")
        if n % 6 == 0:
            front.append(f'excerpt: "A **short** look at {subject}"')
        if n % 17 == 5:
            front.append("published: false")
        if n % 11 == 3:
            front.append("lang: fr")
            front.append("comments: true")
        body = _paragraphs(subject, n)
        if n > 0:
            body += f"\n\nSee also [the previous report]({{% post_url {names[n - 1]} %}})."
        if n % 7 == 1:
            body += f"\n\n![chart]({{{{ site.baseurl }}}}/assets/{subject}.png)"
        if n % 7 == 2:
            body += f"\n\n[The first report]({{% link _posts/{names[0]}.md %}}) and [about](/about/)."
        if n % 7 == 3:
            body += "\n\n{% include note.html text=\"Figures are provisional.\" %}"
        if n % 7 == 4:
            body += "\n\n{% highlight python %}\nprint('report')\n{% endhighlight %}"
        if n % 7 == 5:
            body += "\n\n{% raw %}Templates write {{ page.title }}.{% endraw %}"
        if n % 7 == 6:
            body += (f"\n\n{{% comment %}}draft note{{% endcomment %}}[Older]({{{{ '/blog/{SUBJECTS[1]}-1.html' "
                     "| relative_url }}) and [the docs](/docs/install/).")
        if n % 13 == 0:
            body += "\n\n{% for post in site.posts limit:3 %}\n* [{{ post.title }}]({{ post.url }})\n{% endfor %}"
        (root / "_posts" / f"{name}.md").write_text("---\n" + "\n".join(front) + "\n---\n\n" + body + "\n")
    (root / "_drafts").mkdir()
    for n in range(3):
        (root / "_drafts" / f"idea-{n}.md").write_text(f"---\ntitle: Idea {n}\nlayout: post\n---\n\nAn idea.\n")
    (root / "about.md").write_text("---\nlayout: page\ntitle: About\npermalink: /about/\n---\n\nThis blog.\n")
    (root / "index.html").write_text("---\nlayout: home\n---\n")
    (root / "_layouts").mkdir()
    (root / "_layouts" / "post.html").write_text("<html><body><h1>{{ page.title }}</h1>{{ content }}</body></html>\n")
    (root / "_includes").mkdir()
    (root / "_includes" / "note.html").write_text("<aside>{{ include.text }}</aside>\n")
    (root / "_config.yml").write_text("title: My blog\nbaseurl: /blog\n")
    (root / "_site" / "2014").mkdir(parents=True)
    (root / "_site" / "2014" / "index.html").write_text("<html><body><h1>Old output</h1></body></html>\n")


def pelican_content(root: Path, posts: int) -> None:
    """A Pelican content folder: articles by category folder, pages, images, reStructuredText."""
    for n in range(posts):
        subject = SUBJECTS[n % len(SUBJECTS)]
        _, day = _day(n)
        folder = root / subject.capitalize()
        folder.mkdir(parents=True, exist_ok=True)
        header = [f"Title: The {subject} report, part {n}", f"Date: {day} 10:20"]
        if n % 3 == 0:
            header.append(f"Modified: {day} 19:30")
        if n % 4 != 3:  # otherwise the category is the folder's, as Pelican does
            header.append(f"Category: {subject.capitalize()}")
        header.append(f"Tags: {SUBJECTS[(n + 1) % 8]}, report")
        if n % 2 == 0:
            header.append(f"Slug: {subject}-report-{n}.{n % 10}")
        header.append("Authors: Alexis Métaireau, Conference Staff" if n % 3 == 1 else "Author: Jane Doe")
        if n % 2 == 1:
            header.append(f"Summary: A **short** look at {subject}, with [a link](https://example.org/{n})")
            header.append("    on two lines.")
        if n % 10 == 9:
            header.append("Status: draft")
        if n % 15 == 7:
            header.append("Status: hidden")
        if n % 8 == 5:
            header.append("Lang: fr")
            header.append("Translation: true")
        if n % 12 == 0:
            header.append("Template: special")
            header.append(f"Save_as: legacy/{subject}-{n}.html")
        body = _paragraphs(subject, n)
        if n % 5 == 2:
            body += f"\n\nSee [the first]({{filename}}/{SUBJECTS[0].capitalize()}/post-0.md)."
        (folder / f"post-{n}.md").write_text("\n".join(header) + "\n\n" + body + "\n")
    (root / "pages").mkdir()
    (root / "pages" / "about.md").write_text("Title: About\n\nThis site.\n")
    (root / "images").mkdir()
    (root / "images" / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    for n in range(3):
        (root / f"notes-{n}.rst").write_text(f"Note {n}\n######\n\n:date: 2015-01-0{n + 1}\n:tags: rst\n\nText.\n")


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?( UTC)?|\b\d+\b")


def kind(message: str) -> str:
    """A warning's kind: its message with quoted text and numbers replaced."""
    return _QUOTED.sub("…", message)


def build_and_report(name: str, content: Path, work: Path) -> None:
    output = work / f"{name}-site"
    report = build_site(BuildRequest(content=content, output=output, cwd=work, clean=True, key_file=None))
    from chronique.load import load_archive

    loaded = load_archive(content)
    drafts = sum(article.draft for article in loaded.articles)
    print(f"\n## {name}: {content}")
    print(f"files read as articles: {len(loaded.articles)} ({drafts} drafts, not published); "
          f"skipped by name: {len(loaded.skipped)} ({', '.join(sorted(str(path) for path in loaded.skipped))})")
    links = sum(len(article.site_links) for article in loaded.articles if not article.draft)
    unresolved = sum("names no article" in warning.message for warning in report.warnings)
    print(f"articles built: {report.articles}; pages: {report.pages}; problems (files refused): "
          f"{len(report.problems)}; warnings: {len(report.warnings)}; root-relative links (Liquid and Pelican "
          f"links included) made relative: {links - unresolved} of {links}")
    for problem in report.problems:
        print(f"  problem: {str(problem).removeprefix(str(content) + '/')}")
    for message, count in sorted(Counter(kind(warning.message) for warning in report.warnings).items()):
        print(f"  {count:3d} × {message}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("/tmp/chronique-migrations"))
    parser.add_argument("--posts", type=int, default=48)
    options = parser.parse_args()
    shutil.rmtree(options.work, ignore_errors=True)
    jekyll_site(options.work / "jekyll", options.posts)
    pelican_content(options.work / "pelican", options.posts)
    build_and_report("jekyll", options.work / "jekyll", options.work)
    build_and_report("jekyll _posts only", options.work / "jekyll" / "_posts", options.work)
    build_and_report("pelican", options.work / "pelican", options.work)


if __name__ == "__main__":
    main()
