"""Loads the demo code versions, decalogo and working table from codice/demo_content.py."""

from __future__ import annotations

import datetime

from django.db import transaction

from codice import demo_content
from codice.models import Amendment, Article, Chapter, CodeVersion, DecalogoEntry, Meeting
from codice.services import (
    amendment_decide,
    amendment_propose,
    codeversion_create_draft,
    codeversion_publish,
)


def _fill(version: CodeVersion, data: dict, keep_bodies: dict[str, str] | None = None) -> None:
    """Replace the draft's content with `data`; `keep_bodies` overrides some article bodies."""
    keep_bodies = keep_bodies or {}
    Article.objects.filter(version=version).delete()
    Chapter.objects.filter(version=version).delete()
    DecalogoEntry.objects.filter(version=version).delete()
    for chapter_order, chapter_data in enumerate(data["chapters"], start=1):
        chapter = Chapter.objects.create(
            version=version,
            number=chapter_data["number"],
            title=chapter_data["title"],
            order=chapter_order,
        )
        for order, article in enumerate(chapter_data["articles"], start=1):
            Article.objects.create(
                version=version,
                chapter=chapter,
                key=article["key"],
                number=article["number"],
                title=article["title"],
                body=keep_bodies.get(article["key"], article["body"]),
                order=order,
            )
    for order, entry in enumerate(data["decalogo"], start=1):
        DecalogoEntry.objects.create(
            version=version,
            audience=entry["audience"],
            title=entry["title"],
            body=entry["body"],
            order=order,
        )


def _article_bodies(data: dict) -> dict[str, str]:
    return {a["key"]: a["body"] for c in data["chapters"] for a in c["articles"]}


@transaction.atomic
def load_codice(*, committee) -> bool:
    """Create the demo versions and working table; returns False if they already exist."""
    if CodeVersion.objects.exists():
        return False
    # The checklists live in the certification app, which builds on codice.
    from certification.demo_checklists import load_demo_checklist

    versions = demo_content.VERSIONS
    published_data = [v for v in versions if v["effective_date"]]
    draft_data = [v for v in versions if not v["effective_date"]]

    for data in published_data:
        draft = codeversion_create_draft(
            by=committee,
            number=data["number"],
            title=data["title"],
            change_summary=data["change_summary"],
        )
        _fill(draft, data)
        load_demo_checklist(draft)
        codeversion_publish(
            version=draft,
            by=committee,
            effective_date=datetime.date.fromisoformat(data["effective_date"]),
        )

    meetings = [
        Meeting.objects.create(
            date=datetime.date.fromisoformat(m["date"]),
            place=m["place"],
            participants_oic=m["participants_oic"],
            participants_assocontact=m["participants_assocontact"],
            agenda=m["agenda"],
            minutes=m["minutes"],
            created_by=committee,
        )
        for m in demo_content.MEETINGS
    ]

    for data in draft_data:
        draft = codeversion_create_draft(
            by=committee,
            number=data["number"],
            title=data["title"],
            change_summary=data["change_summary"],
        )
        # Accepted amendments are applied by the service; start those articles from the
        # text of the version they amend.
        previous = _article_bodies(published_data[-1])
        accepted = {
            a["article_key"]: previous[a["article_key"]]
            for a in demo_content.AMENDMENTS
            if a["status"] == "accepted" and a["article_key"] in previous
        }
        _fill(draft, data, keep_bodies=accepted)
        load_demo_checklist(draft)
        for item in demo_content.AMENDMENTS:
            amendment = amendment_propose(
                version=draft,
                by=committee,
                article_key=item["article_key"],
                proposed_text=item["proposed_text"],
                rationale=item["rationale"],
                proposer=item["proposer"],
            )
            if item["status"] != "open":
                amendment_decide(
                    amendment=amendment,
                    by=committee,
                    accept=item["status"] == "accepted",
                    meeting=meetings[item["meeting_index"]],
                    note="Decisione del tavolo di lavoro.",
                )
    assert Amendment.objects.exists() or not demo_content.AMENDMENTS
    return True
