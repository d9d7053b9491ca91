"""The public list's cards and filter selects come from templates (comment_card.html,
comment_filter_selects.html), rendered once per version of the public pages and kept: the
same cards as before, every value escaped, and a fixed number of queries however many
comments there are."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Dialogue
from submissions.models import Attachment, WrittenComment
from submissions.templatetags.comments import CARD_CACHE, CARD_TEMPLATE
from tests.factories import AgendaItemFactory, DialogueFactory, WrittenCommentFactory, admitted_organisation

LIST = reverse("submissions:list")


@pytest.fixture(autouse=True)
def _no_cards_kept():
    CARD_CACHE.clear()
    yield
    CARD_CACHE.clear()


def _published(**fields) -> WrittenComment:
    return WrittenCommentFactory(state=WrittenComment.State.PUBLISHED, **fields)


def _card(page: str, comment) -> str:
    match = re.search(
        rf'<li class="card"><article aria-labelledby="comment-{comment.pk}">.*?</article></li>', page, re.S
    )
    assert match, f"no card for comment {comment.pk}"
    return match.group(0)


def test_card_from_its_template_shows_who_where_when_and_attachments(client, db):
    dialogue = DialogueFactory(state=Dialogue.State.HELD)
    item = AgendaItemFactory(
        dialogue=dialogue, number=1, title="Marking <and> tracing", cluster="criminalization"
    )
    organisation = admitted_organisation(name="Réseau <Armes> & Co", acronym="RAC", country="FR")
    comment = _published(
        dialogue=dialogue,
        organisation=organisation,
        agenda_item=item,
        language="fr",
        title="Le marquage <b>des armes</b>",
        body="mot " * 70,
        published_at=timezone.make_aware(datetime.datetime(2030, 3, 10, 12, 30)),
    )
    Attachment.objects.create(
        comment=comment, file="attachments/a.pdf", original_name="A & B.pdf", kind="pdf", size=12345
    )
    response = client.get(LIST)
    assert "submissions/public/includes/comment_card.html" in [t.name for t in response.templates]
    card = _card(response.content.decode(), comment)
    title = "Le marquage &lt;b&gt;des armes&lt;/b&gt;"
    assert (
        f'<h2 id="comment-{comment.pk}" lang="fr" dir="auto">'
        f'<a href="/comments/{comment.pk}/">{title}</a></h2>' in card
    )
    assert "Réseau &lt;Armes&gt; &amp; Co (RAC) · Non-governmental organization · France · " in card
    assert '<time datetime="2030-03-10T12:30:00' in card
    assert ">10 March 2030</time>" in card
    assert f'<p class="meta"><a href="{reverse("dialogue_detail", args=[dialogue.pk])}">' in card
    assert (
        "· Agenda item 1. Marking &lt;and&gt; tracing · Criminalization and jurisdiction · French</p>" in card
    )
    assert f'<p class="excerpt" lang="fr" dir="auto">{"mot " * 59}mot…</p>' in card
    assert '<a href="/attachments/' in card
    assert '>A &amp; B.pdf</a> <span class="meta">(PDF, 12.1\xa0KB)</span>' in card


def test_card_published_without_the_name_hides_organisation_and_country(client, db):
    organisation = admitted_organisation(name="Clandestine Shield", country="BY")
    comment = _published(
        organisation=organisation, anonymity_requested=True, published_anonymously=True, language="other"
    )
    card = _card(client.get(LIST).content.decode(), comment)
    assert "Clandestine Shield" not in card
    assert "Belarus" not in card
    assert "a non-governmental organization · Non-governmental organization · <time" in card
    assert " lang=" not in card


def test_filter_selects_from_their_template_with_the_choice_kept(client, db):
    comment = _published(language="fr")
    page = client.get(LIST, {"language": "fr"}).content.decode()
    used = [t.name for t in client.get(LIST, {"language": "es"}).templates]
    assert "submissions/public/includes/comment_filter_selects.html" in used
    assert "submissions/public/widgets/select.html" in used
    select = re.search(r'<select name="language" id="id_language">.*?</select>', page, re.S).group(0)
    assert '<option value="fr" selected>French</option>' in select
    assert '<label for="id_language">Language:</label>' in page
    assert '<select name="organisation" id="id_organisation">' in page
    assert comment.title in page


@pytest.mark.parametrize("count", [3, 60])
def test_list_cards_rendered_with_a_fixed_number_of_queries(client, db, django_assert_max_num_queries, count):
    dialogue = DialogueFactory(state=Dialogue.State.HELD)
    item = AgendaItemFactory(dialogue=dialogue)
    organisation = admitted_organisation()
    comments = WrittenCommentFactory.create_batch(
        count,
        state=WrittenComment.State.PUBLISHED,
        dialogue=dialogue,
        organisation=organisation,
        agenda_item=item,
    )
    for comment in comments:
        Attachment.objects.create(
            comment=comment, file=f"attachments/{comment.pk}.pdf", original_name="A.pdf", kind="pdf", size=9
        )
    with django_assert_max_num_queries(5):
        response = client.get(LIST)
    assert response.content.decode().count('<li class="card">') == min(count, 25)


@pytest.mark.django_db(transaction=True)
def test_card_rendered_by_another_process_taken_from_the_shared_cache(client):
    comment = _published(title="Shared card", language="en")
    first = client.get(LIST)
    assert CARD_TEMPLATE in [template.name for template in first.templates]
    CARD_CACHE.clear()  # another process, whose memory holds no card
    # Another page (not cached whole yet) showing the same card.
    second = client.get(LIST, {"language": "en"})
    assert _card(second.content.decode(), comment) == _card(first.content.decode(), comment)
    assert CARD_TEMPLATE not in [template.name for template in second.templates]
    # A change to the comment is a new version: its card is rendered again.
    WrittenComment.objects.filter(pk=comment.pk).update(title="Changed card")
    third = client.get(LIST, {"language": "en"})
    assert "Changed card" in third.content.decode()
    assert CARD_TEMPLATE in [template.name for template in third.templates]
