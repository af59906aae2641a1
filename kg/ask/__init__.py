"""The search box: Chinese keywords in, figures out (issue 15). `answer(store, text)` reads a typed query with
the graph's own words (dictionary.py, recognise.py), chooses a named query, the figure search or the full-text
search (plan.py, figures.py, fulltext.py) and runs it (answer.py); `suggest` completes what is being typed."""
from __future__ import annotations

from cnbudget.kg.ask.answer import Answer, answer
from cnbudget.kg.ask.dictionary import Dictionary, dictionary_for, rebuild, refresh
from cnbudget.kg.ask.suggest import suggest

__all__ = ["Answer", "Dictionary", "answer", "dictionary_for", "rebuild", "refresh", "suggest"]
