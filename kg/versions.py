"""Versions of one document: its identity whatever the base IRI, and whether a new version may replace the
stored one (`judge`, called by kg/load.py before anything is written).

A disclosure is named by department, year and kind (kg/rdf/iris.py): its `dct:identifier` is the same under
every base IRI, so the store is asked for it under any base. A version is compared with the stored one by
what a cut-off or damaged copy loses: its figures (qb:Observations) and those a subject code classifies,
counted in the N-Quads written, and, for a text file, the digests of its 1 KiB blocks (`bud:blockDigests`
on the source): a file whose blocks are the first of the stored file's, and which is shorter, is that file
cut off, wherever the cut fell.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pyoxigraph as ox

from cnbudget.kg.rdf.terms import bud, iri, plain
from cnbudget.kg.store import GraphStore
from cnbudget.loaders.errors import CUT_OFF
from cnbudget.loaders.formats.registry import CONTROLS_REMOVED
from cnbudget.ontology import PREFIXES


@dataclass
class Source:
    """A document's identity and what tells a complete version from a cut-off one: the file's size, digest and
    block digests (a text file cut off is the first blocks of the complete one), its figures (qb:Observations)
    and those classified by a subject code."""
    identifier: str  # dct:identifier: department, year and kind, whatever the base IRI
    doc: str  # the disclosure's IRI
    sha256: str = ""
    size: int = 0
    media_type: str = ""
    blocks: str = ""  # "1024:" then 6 hex digits of each full block's SHA-256 (text files)
    figures: int = 0
    classified: int = 0


_BLOCK = 1024
_DIGEST = 6  # hex digits kept of each block's digest (24 bits: a chance match of a block is one in 16 million)


def block_digests(data: bytes, block: int = _BLOCK) -> str:
    return f"{block}:" + "".join(hashlib.sha256(data[k:k + block]).hexdigest()[:_DIGEST]
                                 for k in range(0, len(data) - block + 1, block))


def is_prefix(new: Source, stored: Source) -> bool:
    """`new` is, as far as its full blocks show, the first bytes of the stored file: a copy cut off."""
    if not new.blocks or not stored.blocks or new.media_type != stored.media_type or new.size >= stored.size:
        return False
    size_new, _, digests_new = new.blocks.partition(":")
    size_stored, _, digests_stored = stored.blocks.partition(":")
    return size_new == size_stored and digests_stored.startswith(digests_new)


# warnings kept in the graph too, as bud:loadWarning on the disclosure: the document looks cut off, or its text
# had characters removed
def recorded(warning: str) -> bool:
    return CUT_OFF in warning or CONTROLS_REMOVED in warning


_OBSERVATION = f"<{PREFIXES['rdf']}type> <{PREFIXES['qb']}Observation> <".encode()
_CLASSIFIED = (f"{bud.functionalSubject} <".encode(), f"{bud.economicSubject} <".encode())


def counts(nquads: bytes) -> tuple[int, int]:
    """(figures, figures classified by a subject code) in a document's N-Quads, as `stored` counts them."""
    return nquads.count(_OBSERVATION), sum(nquads.count(c) for c in _CLASSIFIED)


def warning_quads(graph: str, doc: str, warnings: list[str]) -> bytes:
    return "".join(f"{iri(doc)} {bud.loadWarning} {_en(w)} {iri(graph)} .\n" for w in warnings).encode("utf-8")


def _en(text: str) -> str:
    return str(ox.Literal(text, language="en"))



@dataclass
class Stored:
    graph: str
    source: Source
    warnings: list[str] = field(default_factory=list)  # its bud:loadWarnings
    file: str = "?"  # the name of the file it came from


def stored(store: GraphStore, identifier: str) -> list[Stored]:
    """The versions of a document the store holds, under any base IRI."""
    rows = store.select(f"""
        SELECT ?g ?d ?sha ?size ?media ?blocks ?file ?warning WHERE {{
          GRAPH ?g {{
            ?d dct:identifier {plain(identifier)} ; a bud:Disclosure .
            OPTIONAL {{ ?d dcat:distribution ?s . ?s spdx:checksum ?c . ?c spdx:checksumValue ?sha }}
            OPTIONAL {{ ?d dcat:distribution ?s1 . ?s1 dcat:byteSize ?size }}
            OPTIONAL {{ ?d dcat:distribution ?s2 . ?s2 dcat:mediaType ?media }}
            OPTIONAL {{ ?d dcat:distribution ?s3 . ?s3 bud:blockDigests ?blocks }}
            OPTIONAL {{ ?d dcat:distribution ?s4 . ?s4 dct:title ?file }}
            OPTIONAL {{ ?d bud:loadWarning ?warning }}
          }}
        }}""")
    found: dict[str, Stored] = {}
    for g, d, sha, size, media, blocks, file, warning in rows.rows:
        if g.value not in found:
            media_type = media.value.rsplit("media-types/", 1)[-1] if media is not None else ""
            found[g.value] = Stored(g.value, Source(identifier, d.value, sha.value if sha else "",
                                                    int(size.value) if size else 0, media_type,
                                                    blocks.value if blocks else ""), [], file.value if file else "?")
        if warning is not None and warning.value not in found[g.value].warnings:
            found[g.value].warnings.append(warning.value)
    for version in found.values():
        numbers = store.select(f"""
            SELECT (COUNT(?o) AS ?figures) (COUNT(?c) AS ?classified) WHERE {{ GRAPH <{version.graph}> {{
              {{ ?o a qb:Observation }} UNION {{ ?c bud:functionalSubject ?x }} UNION {{ ?c bud:economicSubject ?x }}
            }} }}""")
        version.source.figures, version.source.classified = (int(t.value) for t in numbers.rows[0])
    return list(found.values())


@dataclass
class Verdict:
    refusal: str | None = None  # why the version is not loaded
    warnings: list[str] = field(default_factory=list)  # what loading it adds (replaced though incomplete)


def judge(store: GraphStore, new: Source, graph: str, title: str | None, suspect: list[str],
          replace_incomplete: bool = False) -> Verdict:
    """Whether a version (`new`, to be written as `graph`; `suspect`: its own warnings that say it looks cut off)
    may be written:

    - the same document under another base IRI is refused: a document is stored once. Renaming it into the
      stored base would mint IRIs under a base the load was not asked for; storing it twice would count every
      figure twice in queries over the union;
    - a version that looks cut off (its own warnings say so; fewer figures, or fewer classified by a subject
      code, than the stored version from a file of the same type; or its file is the first bytes of the stored
      one) does not replace the stored version unless `replace_incomplete`, or the stored one looks cut off
      itself and holds no fewer. Loaded anyway, the reasons are warnings.
    A document not stored yet is loaded: its own warnings are in its report and graph."""
    versions = stored(store, new.identifier)
    elsewhere = [v.graph for v in versions if v.graph != graph]
    if elsewhere:
        other = elsewhere[0]
        tail = f"graph/{new.identifier}"
        base = other[: -len(tail)] if other.endswith(tail) else other
        return Verdict(f"this disclosure ({title}, {new.identifier}) is already in the store under another base "
                       f"IRI, as graph <{other}>; a document is stored once, so it is not loaded again under this "
                       f"one: load it with --base-iri {base} to replace it, or remove that graph first")
    same = next((v for v in versions if v.graph == graph), None)
    if same is None:
        return Verdict()
    old = same.source
    if old.sha256 and old.sha256 == new.sha256:
        return Verdict()  # the same file again
    reasons = list(suspect)
    # compared with a version from a file of the same type: one of another type may hold less by design (an
    # .xlsx of the tables alone, without the narrative of the text)
    if new.media_type == old.media_type and new.figures < old.figures:
        reasons.append(f"it gives {new.figures:,} figures, the stored version {old.figures:,}")
    if new.media_type == old.media_type and new.classified < old.classified:
        reasons.append(f"{new.classified:,} of its figures have a subject code, {old.classified:,} of the stored "
                       "version's (a label or code line lost?)")
    prefix = is_prefix(new, old)
    if prefix:
        reasons.append(f"its {new.size:,} bytes are the first of the stored version's {old.size:,}: a copy cut off")
    if not reasons:
        return Verdict()
    old_cut = any(CUT_OFF in w for w in same.warnings)
    if old_cut and not prefix and new.figures >= old.figures and new.classified >= old.classified:
        return Verdict()  # the stored version looks cut off too, and holds no more: not a downgrade
    if not replace_incomplete:
        return Verdict(f"looks incomplete ({'; '.join(reasons)}), and would replace the stored version of this "
                       f"document (from {same.file}); not loaded: pass --replace-incomplete to replace it")
    return Verdict(warnings=[f"replaced the stored version (from {same.file}) as --replace-incomplete asks, though "
                             f"the document {CUT_OFF}: {r}" for r in reasons if r not in suspect])
