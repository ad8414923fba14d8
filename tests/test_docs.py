"""README must stay true: its data dictionary and alert rules come from the code."""

from pathlib import Path

from core.dashboard.rules import RULES
from core.pipeline import dictionary

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_data_dictionary_matches_schema():
    start, end = README.index(dictionary.BEGIN), README.index(dictionary.END) + len(dictionary.END)
    assert README[start:end] == dictionary.render(), "run: python -m core.pipeline.dictionary and paste into README.md"


def test_readme_states_every_alert_rule():
    for name, rule in RULES.items():
        assert f"**{name}**: {rule}" in README


def test_readme_names_the_two_commands_and_ci_runs_the_test_command():
    assert "python3 run.py app" in README and "python3 run.py test" in README
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "python3 run.py test" in ci


def test_readme_measure_dictionary_matches_the_measure_model():
    from core.dashboard import measures

    start, end = README.index(measures.BEGIN), README.index(measures.END) + len(measures.END)
    assert README[start:end] == measures.render()


def test_readme_glossary_is_the_one_the_screen_uses():
    """용어 설명: the README table, the glossary page and the tooltips come from measures.TERMS."""
    from core.dashboard import measures

    start = README.index(measures.GLOSSARY_BEGIN)
    end = README.index(measures.GLOSSARY_END) + len(measures.GLOSSARY_END)
    assert README[start:end] == measures.render_glossary()
