"""A step's questions rendered once per process and filled in per request (web/questions.py):
the participant's page has radios only, and every text is escaped."""

from __future__ import annotations

import re
import textwrap

import pytest
from conftest import make_app

from kcs_assess.domain.loader import parse_questionnaire
from kcs_assess.domain.wizard import Stored
from kcs_assess.web.questions import question_fieldsets

DEMO = parse_questionnaire(textwrap.dedent("""\
    id: demo
    version: "1.0"
    title: Demo
    levels:
      - {min: 0, key: low, title: Low}
      - {min: 50, key: high, title: High}
    standards:
      - id: policy
        title: Policy
        criteria:
          - id: policy.main
            title: Rules & <roles>
            questions:
              - id: Q1
                text: Is there a <b>policy</b> & a code?
                help: A signed "document".
                tier: framework
                critical: true
                action: Write one.
              - id: Q2
                text: Do you work with partners?
                help: Any partner.
                tier: framework
                scale: yes_no
                action: Find some.
              - id: Q3
                text: Do partners sign the policy?
                help: Signed copies.
                tier: practice
                show_if: {question: Q2, in: ["yes"]}
                action: Ask them to.
    """), "demo.yaml")
STANDARD = DEMO.standards[0]


@pytest.fixture
def app():
    return make_app("sqlite://")


def fieldsets(app, locale="en", **given):
    given.setdefault("answers", {})
    given.setdefault("shown", {"Q1", "Q2"})
    with app.test_request_context():
        return str(question_fieldsets(DEMO, "digest-1", STANDARD, locale, **given))


def question(html: str, question_id: str) -> str:
    match = re.search(rf'<fieldset class="q[^"]*" id="q-{re.escape(question_id)}".*?</fieldset>',
                      html, re.S)
    assert match, f"no fieldset for {question_id}"
    return match.group(0)


def test_a_participant_gets_radios_with_their_answers_checked_and_nothing_else(app):
    html = fieldsets(app, variant="participant", answers={"Q1": "partly", "Q2": "no"},
                     shown={"Q1", "Q2"})
    assert "<textarea" not in html and "note-" not in html
    assert 'name="base-' not in html
    assert "Carried over" not in html and "Follow-up question" not in html
    checked = re.findall(r'name="answer-(Q\d)" value="(\w+)" checked', html)
    assert checked == [("Q1", "partly"), ("Q2", "no")]
    # Q3 is asked only after a "yes" to Q2: there, but neither shown nor sent.
    assert 'data-show-if="Q2 yes" hidden disabled' in question(html, "Q3")
    assert "hidden" not in question(html, "Q1").split(">")[0]


def test_a_participant_is_pointed_to_follow_up_questions_without_the_wizards_tags(app):
    html = fieldsets(app, variant="participant", answers={"Q2": "yes"},
                     shown={"Q1", "Q2", "Q3"}, follow_ups=["Q3"])
    assert html.count('id="follow-ups"') == 1
    assert html.index('id="follow-ups"') < html.index('id="q-Q3"')
    assert question(html, "Q3").startswith('<fieldset class="q follow-up" id="q-Q3"')
    assert "Follow-up question" not in html


def test_a_participant_page_refuses_what_only_the_wizard_shows(app):
    for extra in ({"notes": {"Q1": "a note"}}, {"carried": {"Q1"}},
                  {"stored": {"Q1": Stored("yes", "", 1)}}):
        with pytest.raises(ValueError):
            fieldsets(app, variant="participant", **extra)


def test_the_wizard_shows_notes_escaped_with_the_base_revisions_and_tags(app):
    note = '</textarea><script>alert("x")</script> & more'
    html = fieldsets(app, answers={"Q1": "yes"}, notes={"Q1": note},
                     stored={"Q1": Stored("yes", note, 3)}, carried={"Q1"},
                     shown={"Q1", "Q2", "Q3"}, follow_ups=["Q3"])
    q1 = question(html, "Q1")
    assert "<script>" not in html
    assert ("&lt;/textarea&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more"
            "</textarea>") in q1
    assert re.search(r'name="base-Q1" value="3\.yes\.[0-9a-f]{12}"', q1)
    assert 'name="base-Q2" value="0.."' in question(html, "Q2")
    assert '<strong class="carried">Carried over</strong>' in q1
    assert '<strong class="tag new">Follow-up question</strong>' in question(html, "Q3")


def test_questionnaire_texts_are_escaped_once(app):
    for variant in ("wizard", "participant"):
        html = fieldsets(app, variant=variant)
        assert "<legend>Rules &amp; &lt;roles&gt;</legend>" in html
        assert "Is there a &lt;b&gt;policy&lt;/b&gt; &amp; a code?" in html
        assert "A signed &#34;document&#34;." in html


def test_the_cached_html_keeps_no_answers_between_requests(app):
    first = fieldsets(app, answers={"Q1": "yes"}, notes={"Q1": "secret"}, shown={"Q1"})
    second = fieldsets(app)
    assert "secret" in first and "secret" not in second
    assert " checked" in first and " checked" not in second


def test_the_questions_are_in_the_language_asked_for(app):
    arabic = fieldsets(app, locale="ar", variant="participant")
    english = fieldsets(app, variant="participant")
    assert "What does yes look like?" in english
    assert "What does yes look like?" not in arabic
