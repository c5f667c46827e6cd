"""A script is hostile text: escapes from the template sandbox, unknown names and broken
syntax are lint errors that say where, never a crash and never leaked data."""

from __future__ import annotations

import pytest

from app.services.scripts.scripts import ScriptError, render_sms
from tests.unit.incidents.scripts_support import errors_of, lint, recipient, script

ESCAPES = [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}",
    "{{ self.__dict__ }}",
    "{{ self }}",
    "{{ config }}",
    "{{ request }}",
    "{{ config.SECRET_KEY }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ range(10**9)|list }}",
    "{{ first_name['__class__'] }}",
    "{{ first_name|attr('__class__') }}",
    "{{ first_name.format(first_name) }}",
    "{% set x = 1 %}{{ x }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{{ 'x' * 1000000000 }}",
]
LEAKS = ("<class", "subclasses of", "test-secret", "uid=", "TemplateReference", "function")


@pytest.mark.parametrize("escape", ESCAPES)
def test_a_template_escape_is_a_lint_error_naming_where_it_is(escape):
    hostile = script(es_sms=f"Hola\n{escape} Responda STOP.")

    report = lint(hostile, [recipient("es")])

    assert not report.ok
    assert any(
        error.startswith("test_script, Spanish SMS, line 2: ") for error in errors_of(report)
    )
    shown = repr(report.as_dict())
    assert not any(leak in shown for leak in LEAKS)


@pytest.mark.parametrize("escape", ESCAPES)
def test_a_broadcast_cannot_render_an_escape_either(escape):
    hostile = script(en_sms=escape)

    with pytest.raises(ScriptError) as refused:
        render_sms(hostile, recipient("en"))

    assert str(refused.value).startswith("test_script, English SMS, line 1: ")


def test_an_unknown_variable_is_named_with_the_variables_there_are():
    report = lint(script(en_voice="Hi {{ frist_name }}.\nPress 0 to speak to a person."))

    [error] = errors_of(report)
    assert error.startswith("test_script, English voice, line 1: 'frist_name' is not a variable")
    assert "first_name, service, region, area, eta, status_link, incident_title, update" in error


def test_a_syntax_error_says_language_channel_and_line():
    report = lint(script(es_voice="Hola {{ first_name }}.\n\n{% if update %}Oprima 0"))

    [error] = errors_of(report)
    assert error.startswith("test_script, Spanish voice, line 3: The template does not parse:")


def test_an_unclosed_variable_is_a_syntax_error_not_text_sent_as_is():
    report = lint(script(en_sms="Hi {{ first_name, Reply STOP"))

    assert any("English SMS, line 1: The template does not parse" in e for e in errors_of(report))


def test_a_filter_outside_the_short_list_is_refused_and_the_list_is_given():
    report = lint(script(en_sms="{{ first_name|center(1000000000) }} Reply STOP"))

    [error] = errors_of(report)
    assert "The filter 'center' is not allowed" in error
    assert "capitalize, default, d, lower, title, trim, upper" in error


def test_variables_if_and_harmless_filters_are_allowed():
    allowed = script(
        en_sms="{% if update is defined %}{{ update|trim }}{% else %}{{ area|upper }}{% endif %}"
        " {{ eta|default('soon') ~ '!' }} Reply STOP"
    )

    text = render_sms(allowed, recipient("en"))

    assert text == "BOSTON 6:30 PM! Reply STOP"
