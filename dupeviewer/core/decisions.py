"""The user's lasting decisions: "these copies are not duplicates" and "reviewed, keep all".

Decisions are kept in their own SQLite file in the platform *data* folder (never the cache
folder: deleting or rebuilding the fingerprint cache loses nothing), keyed by what the
pictures hold, not where they are, so they survive renames, moves, a new disk and a rescan
from scratch. A picture is named by its keys (:func:`keys`), strongest first:

- ``b:`` the byte digest, when the scan computed one (the file had a same-sized peer);
- ``p:`` the pixel digest, when known (the same decoded pixels in another file format);
- ``h:`` pHash, dHash, width and height, always: what the scan computes for every file.

A decision stores every key a picture had, and a picture matches it when any key is shared;
so a picture whose byte digest was not needed on one scan and is computed on the next (a
copy of the same size appeared) still matches.

The file is written only once it is proved ours, as :mod:`cachefile` does for the cache: its
``application_id`` is :data:`APPLICATION_ID`. A damaged file, or one of a newer schema, is
renamed aside (``decisions.sqlite3.damaged-...`` or ``.newer-...``) with a warning and a new
one started; another program's file at the path is left untouched and the decisions run
read-only. Writes are single short transactions in WAL mode, so two windows that decide at
once keep each other's decisions. Reading never creates a file.

Grouping uses the :class:`Decided` index built from the decisions (no I/O)."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import platformdirs

from dupeviewer.core import cachefile

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from dupeviewer.core.model import Group, ImageInfo

log = logging.getLogger(__name__)

APPLICATION_ID = 0x44757044
"""``PRAGMA application_id`` of a decisions file: the ASCII bytes "DupD"."""
SCHEMA_VERSION = 1
"""``PRAGMA user_version``; a file with a larger one was written by a newer release."""
EXPORT_FORMAT = "dupeviewer-decisions"
TABLE = ("CREATE TABLE decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, "
         "created REAL NOT NULL, body TEXT NOT NULL)")
BUSY_MS = 10_000

Kind = Literal["not_duplicates", "reviewed"]
KINDS: tuple[Kind, ...] = ("not_duplicates", "reviewed")


class DecisionError(Exception):
    """A decision that cannot be made or stored; the message is for the user."""


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("dupeviewer", "dupeviewer")) / "decisions.sqlite3"


def keys(info: ImageInfo) -> tuple[str, ...]:
    """Every key of a picture's content, strongest first (see the module docstring)."""
    perceptual = f"h:{info.phash:016x}{info.dhash:016x}-{info.width}x{info.height}"
    if info.byte_digest is None and info.pixel_digest is None:
        return (perceptual,)
    found = []
    if info.byte_digest is not None:
        found.append("b:" + info.byte_digest)
    if info.pixel_digest is not None:
        found.append("p:" + info.pixel_digest)
    found.append(perceptual)
    return tuple(found)


def identity(info: ImageInfo) -> str:
    """The strongest key of a picture's content."""
    return keys(info)[0]


@dataclass(frozen=True, slots=True)
class Picture:
    """One picture of a decision: its content keys, and where it was when decided (shown
    in the Decisions list; never used to match)."""

    keys: tuple[str, ...]
    path: str

    @classmethod
    def of(cls, info: ImageInfo) -> Picture:
        return cls(keys(info), info.path)


@dataclass(frozen=True, slots=True)
class Decision:
    """``not_duplicates``: no picture of ``sides[0]`` is grouped with one of ``sides[1]``.
    ``reviewed``: the group of ``sides[0]`` is hidden until a copy outside it joins."""

    id: int
    kind: Kind
    created: float
    sides: tuple[tuple[Picture, ...], ...]

    @property
    def pictures(self) -> tuple[Picture, ...]:
        return tuple(p for side in self.sides for p in side)

    def describe(self) -> str:
        names = [os.path.basename(p.path) for p in self.pictures]
        if self.kind == "reviewed":
            return f"reviewed, keep all: {', '.join(names)}"
        left = ", ".join(os.path.basename(p.path) for p in self.sides[0])
        right = ", ".join(os.path.basename(p.path) for p in self.sides[1])
        return f"not duplicates: {left} / {right}"

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "kind": self.kind, "created": self.created,
                "sides": [[{"keys": list(p.keys), "path": p.path} for p in side]
                          for side in self.sides]}


def _body(sides: Sequence[Sequence[Picture]]) -> str:
    return json.dumps([[{"keys": list(p.keys), "path": p.path} for p in side]
                       for side in sides], ensure_ascii=True)


def _parse(row_id: int, kind: str, created: float, body: str) -> Decision:
    """A decision from its stored row; ValueError for anything malformed."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    raw = json.loads(body)
    if not isinstance(raw, list) or len(raw) != (1 if kind == "reviewed" else 2):
        raise ValueError("wrong number of sides")
    sides = []
    for side in raw:
        if not isinstance(side, list) or not side:
            raise ValueError("an empty side")
        pictures = []
        for item in side:
            found = item.get("keys") if isinstance(item, dict) else None
            if not isinstance(found, list) or not found or \
                    not all(isinstance(k, str) for k in found):
                raise ValueError("a picture without keys")
            pictures.append(Picture(tuple(found), str(item.get("path", ""))))
        sides.append(tuple(pictures))
    return Decision(int(row_id), kind, float(created), tuple(sides))


class DecisionStore:
    """The decisions file. Every problem becomes a line in :attr:`warnings` (and the log),
    never an exception out of :meth:`all`; writes raise :class:`DecisionError`."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self.warnings: list[str] = []

    # reading -------------------------------------------------------------------------

    def all(self) -> list[Decision]:
        """Every decision, newest first; [] when there is no file yet (none is created)."""
        db = self._connect(write=False)
        if db is None:
            return []
        try:
            rows = db.execute("SELECT id, kind, created, body FROM decisions "
                              "ORDER BY created DESC, id DESC").fetchall()
        except sqlite3.DatabaseError as exc:
            db.close()
            self._set_aside("damaged", str(exc))
            return []
        db.close()
        found = []
        for row in rows:
            try:
                found.append(_parse(*row))
            except (ValueError, TypeError, AttributeError) as exc:
                self._warn(f"decision {row[0]} in {self.path} is malformed ({exc}); "
                           "it is kept in the file and ignored")
        return found

    def decided(self) -> Decided:
        return Decided(self.all())

    # writing -------------------------------------------------------------------------

    def not_duplicates(self, left: Sequence[ImageInfo],
                       right: Sequence[ImageInfo]) -> Decision:
        """Remember that no copy of ``left`` is a duplicate of a copy of ``right`` (a pair:
        one each; a copy split out of its group: it against the others)."""
        sides = (tuple(Picture.of(i) for i in left), tuple(Picture.of(i) for i in right))
        if not sides[0] or not sides[1]:
            raise DecisionError("choose copies on both sides")
        shared = {k for p in sides[0] for k in p.keys} & {k for p in sides[1] for k in p.keys}
        if shared:
            raise DecisionError("these copies hold the same picture (same bytes or pixels); "
                                "they cannot be marked as not duplicates")
        return self._add("not_duplicates", sides)

    def reviewed(self, members: Sequence[ImageInfo]) -> Decision:
        """Remember that this group was reviewed and all its copies are kept."""
        if len(members) < 2:
            raise DecisionError("a reviewed group needs two copies or more")
        return self._add("reviewed", (tuple(Picture.of(i) for i in members),))

    def restore(self, decision: Decision) -> Decision:
        """Put back a decision (undo of a forget, an import); it gets a new id."""
        return self._add(decision.kind, decision.sides, decision.created)

    def forget(self, decision_id: int) -> Decision | None:
        """Remove one decision; the removed decision, or None if there was none."""
        db = self._writable()
        try:
            with db:
                row = db.execute("SELECT id, kind, created, body FROM decisions WHERE id = ?",
                                 (decision_id,)).fetchone()
                db.execute("DELETE FROM decisions WHERE id = ?", (decision_id,))
        except sqlite3.Error as exc:
            raise DecisionError(f"cannot change {self.path}: {exc}") from exc
        finally:
            db.close()
        try:
            return _parse(*row) if row else None
        except (ValueError, TypeError, AttributeError):
            return None

    def export(self, target: Path) -> int:
        """Write every decision to ``target`` as JSON; how many."""
        decisions = self.all()
        document = {"format": EXPORT_FORMAT, "version": SCHEMA_VERSION,
                    "decisions": [d.to_json() for d in decisions]}
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
        os.replace(temporary, target)
        return len(decisions)

    def import_(self, source: Path) -> int:
        """Add the decisions of an exported file that are not here yet; how many."""
        try:
            document = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DecisionError(f"cannot read {source}: {exc}") from exc
        if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
            raise DecisionError(f"{source} is not a dupeviewer decisions export")
        if not isinstance(document.get("version"), int) or document["version"] > SCHEMA_VERSION:
            raise DecisionError(f"{source} was written by a newer dupeviewer "
                                f"(version {document.get('version')}); nothing imported")
        incoming = []
        for item in document.get("decisions") or []:
            try:
                incoming.append(_parse(0, item["kind"], item.get("created", time.time()),
                                       json.dumps(item["sides"])))
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                raise DecisionError(f"{source}: a malformed decision ({exc}); "
                                    "nothing imported") from exc
        known = {(d.kind, d.sides) for d in self.all()}
        fresh = [d for d in incoming if (d.kind, d.sides) not in known]
        self._add_many([(d.kind, d.sides, d.created) for d in fresh])
        return len(fresh)

    def _add(self, kind: Kind, sides: Sequence[Sequence[Picture]],
             created: float | None = None) -> Decision:
        return self._add_many([(kind, sides, created)])[0]

    def _add_many(self, items: Sequence[tuple[Kind, Sequence[Sequence[Picture]], float | None]]
                  ) -> list[Decision]:
        db = self._writable()
        made = []
        try:
            with db:
                for kind, sides, created in items:
                    when = time.time() if created is None else created
                    cursor = db.execute(
                        "INSERT INTO decisions (kind, created, body) VALUES (?, ?, ?)",
                        (kind, when, _body(sides)))
                    made.append(Decision(int(cursor.lastrowid or 0), kind, when,
                                         tuple(tuple(s) for s in sides)))
        except sqlite3.Error as exc:
            raise DecisionError(f"cannot save the decision in {self.path}: {exc}") from exc
        finally:
            db.close()
        return made

    # the file --------------------------------------------------------------------------

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
        log.warning(message)

    def _set_aside(self, why: str, detail: str) -> None:
        """Rename a damaged or newer file out of the way, keeping it whole, and say so."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.{why}-{stamp}")
        number = 1
        while os.path.lexists(aside):  # never over an earlier one
            number += 1
            aside = self.path.with_name(f"{self.path.name}.{why}-{stamp}-{number}")
        try:
            os.replace(self.path, aside)
            for suffix in cachefile.SIDE_FILES:
                side = Path(f"{self.path}{suffix}")
                if side.exists():
                    os.replace(side, Path(f"{aside}{suffix}"))
        except OSError as exc:
            self._warn(f"decisions file {self.path} is {why} ({detail}) and cannot be "
                       f"moved aside ({exc}); decisions are not applied")
            return
        self._warn(f"decisions file {self.path} was {why} ({detail}); it was kept as "
                   f"{aside} and a new one is started")

    def _probe(self) -> bool:
        """Whether there is a file of ours at the path (after setting aside a damaged or
        newer one). Another program's file is left alone and reported."""
        try:
            st = os.lstat(self.path)
        except FileNotFoundError:
            return False
        except OSError as exc:
            self._warn(f"cannot read the decisions file {self.path}: {exc}")
            return False
        if not os.path.isfile(self.path) or st.st_size == 0:
            if st.st_size == 0 and os.path.isfile(self.path):
                self._set_aside("damaged", "an empty file")
                return False
            self._warn(f"{self.path} is not a file; decisions are not kept")
            return False
        try:
            with open(self.path, "rb") as file:
                header = file.read(cachefile.HEADER_SIZE)
        except OSError as exc:
            self._warn(f"cannot read the decisions file {self.path}: {exc}")
            return False
        if not header.startswith(cachefile.MAGIC) or len(header) < cachefile.HEADER_SIZE:
            self._set_aside("damaged", "not an SQLite database")
            return False
        application_id = int.from_bytes(header[68:72], "big")
        if application_id != APPLICATION_ID:
            self._warn(f"{self.path} is not a dupeviewer decisions file (application_id "
                       f"0x{application_id:08x}); it is left untouched and no decision "
                       "is kept")
            raise _Foreign
        version = int.from_bytes(header[60:64], "big")
        if version > SCHEMA_VERSION:
            self._set_aside("newer", f"schema {version}, this release reads {SCHEMA_VERSION}")
            return False
        return True

    def _connect(self, write: bool) -> sqlite3.Connection | None:
        try:
            ours = self._probe()
        except _Foreign:
            return None
        if not ours:
            if not write:
                return None
            self._create()
        try:
            db = sqlite3.connect(cachefile.uri(self.path, "rw" if write else "ro"), uri=True,
                                 timeout=BUSY_MS / 1000)
        except sqlite3.Error as exc:
            if write:
                raise DecisionError(f"cannot open {self.path}: {exc}") from exc
            self._warn(f"cannot open the decisions file {self.path}: {exc}")
            return None
        try:
            db.execute(f"PRAGMA busy_timeout={BUSY_MS}")
            if write:
                db.execute("PRAGMA journal_mode=WAL")
            tables = [r[0] for r in db.execute("SELECT sql FROM sqlite_master "
                                               "WHERE name = 'decisions'")]
        except sqlite3.DatabaseError as exc:
            db.close()
            if isinstance(exc, sqlite3.OperationalError) and "readonly" in str(exc).lower():
                raise DecisionError(f"{self.path} is read-only; the decision is not kept"
                                    ) from exc
            self._set_aside("damaged", str(exc))
            return self._connect(write) if write else None
        if tables != [TABLE]:
            db.close()
            self._set_aside("damaged", "the decisions table is missing or different")
            return self._connect(write) if write else None
        return db

    def _writable(self) -> sqlite3.Connection:
        db = self._connect(write=True)
        if db is None:
            raise DecisionError(f"{self.path} is not a dupeviewer decisions file; "
                                "the decision is not kept")
        return db

    def _create(self) -> None:
        """A new decisions file at the path, only if none is there, all at once."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            temporary.unlink(missing_ok=True)
            db = sqlite3.connect(temporary)
            try:
                db.execute(f"PRAGMA application_id={APPLICATION_ID}")
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                db.execute(TABLE)
                db.commit()
            finally:
                db.close()
            try:
                os.link(temporary, self.path)
            except FileExistsError:
                pass  # another window created it first: use theirs
            finally:
                temporary.unlink(missing_ok=True)
        except (OSError, sqlite3.Error) as exc:
            raise DecisionError(f"cannot create {self.path}: {exc}") from exc


class _Foreign(Exception):
    pass


def _opposed(mine: int, other: int) -> bool:
    """Two pictures on opposite sides of one not-duplicates decision (bit 0: the first
    side, bit 1: the second)."""
    return bool((mine & 1 and other & 2) or (mine & 2 and other & 1))


@dataclass
class Outcome:
    """What the decisions did to one grouping."""

    hidden: int = 0
    """Groups hidden because they were reviewed."""
    split: int = 0
    """Groups that lost copies to a not-duplicates decision."""
    hidden_ids: set[int] = field(default_factory=set)
    """The reviewed decisions that hid a group."""


class Decided:
    """The decisions, indexed by content key for grouping (built once, no I/O)."""

    def __init__(self, decisions: Iterable[Decision]) -> None:
        self.decisions = {d.id: d for d in decisions}
        self.sides: dict[str, list[tuple[int, int]]] = defaultdict(list)
        """key -> (not-duplicates decision id, side) of every picture that has the key."""
        self.reviewed: dict[str, list[tuple[int, int]]] = defaultdict(list)
        """key -> (reviewed decision id, picture index) of every picture with the key."""
        for d in self.decisions.values():
            if d.kind == "not_duplicates":
                for side, pictures in enumerate(d.sides):
                    for picture in pictures:
                        for key in picture.keys:
                            self.sides[key].append((d.id, side))
            else:
                for index, picture in enumerate(d.sides[0]):
                    for key in picture.keys:
                        self.reviewed[key].append((d.id, index))
        self.outcome = Outcome()

    def __len__(self) -> int:
        return len(self.decisions)

    def split(self, infos: Sequence[ImageInfo]) -> tuple[list[list[ImageInfo]], set[int]]:
        """A cluster (centre first, then closest first) without its not-duplicate pairs:
        each copy stays unless it was said not to be a duplicate of one kept before it;
        the copies left out group again among themselves in the same way, but only with
        copies of the same content (the cluster does not say they resemble each other)."""
        if not self.sides:
            return [list(infos)], set()
        marks: list[dict[int, int]] = []
        hit = False
        for info in infos:
            mine: dict[int, int] = {}
            for key in keys(info):
                for decision, side in self.sides.get(key, ()):
                    mine[decision] = mine.get(decision, 0) | (1 << side)
            hit = hit or bool(mine)
            marks.append(mine)
        if not hit:
            return [list(infos)], set()
        kept: list[int] = []
        left: list[int] = []
        applied: set[int] = set()
        for index, mine in enumerate(marks):
            clash = {d for k in kept for d, bits in mine.items()
                     if _opposed(bits, marks[k].get(d, 0))}
            (left if clash else kept).append(index)
            applied |= clash
        if not left:
            return [list(infos)], set()
        self.outcome.split += 1
        result = [[infos[i] for i in kept]]
        by_content: dict[str, list[ImageInfo]] = defaultdict(list)
        for index in left:
            by_content[identity(infos[index])].append(infos[index])
        for same in by_content.values():
            if len(same) > 1:
                parts, more = self.split(same)
                result += parts
                applied |= more
        return [r for r in result if len(r) > 1], applied

    def review(self, group: Group) -> tuple[bool, tuple[str, ...], tuple[int, ...]]:
        """Whether a group is hidden by a reviewed decision; else the paths of the copies
        new to a reviewed decision that covers the others, and that decision's id."""
        if not self.reviewed:
            return False, (), ()
        member_keys = [keys(m.info) for m in group.members]
        touching = {d for ks in member_keys for k in ks for d, _ in self.reviewed.get(k, ())}
        if not touching:
            return False, (), ()
        best: tuple[int, list[int]] | None = None
        for decision in sorted(touching, reverse=True):  # the newest decision first
            pictures = self.decisions[decision].sides[0]
            used: set[int] = set()
            unplaced = []
            for index, ks in enumerate(member_keys):  # a copy still where it was, first
                path = group.members[index].path
                slot = next((i for k in ks for d, i in self.reviewed.get(k, ())
                             if d == decision and i not in used
                             and pictures[i].path == path), None)
                if slot is None:
                    unplaced.append(index)
                else:
                    used.add(slot)
            new = []
            for index in unplaced:
                slot = next((i for k in member_keys[index] for d, i in self.reviewed.get(k, ())
                             if d == decision and i not in used), None)
                if slot is None:
                    new.append(index)
                else:
                    used.add(slot)
            if not new:
                self.outcome.hidden += 1
                self.outcome.hidden_ids.add(decision)
                return True, (), ()
            if best is None or len(new) < len(best[1]):
                best = (decision, new)
        assert best is not None
        return False, tuple(group.members[i].path for i in best[1]), (best[0],)


_State = tuple[str, "tuple[int, int, int] | None", "tuple[int, int, int] | None"]
_loaded: tuple[_State, Decided] | None = None
"""The last decisions read, and the state of their file then: a regroup (a slider move)
reads the file again only if it changed (100,000 decisions take about a second to read)."""


def _state(path: Path) -> _State:
    found: list[tuple[int, int, int] | None] = []
    for name in (str(path), f"{path}-wal"):
        try:
            st = os.stat(name)
        except OSError:
            found.append(None)
        else:
            found.append((st.st_ino, st.st_size, st.st_mtime_ns))
    return (os.path.abspath(path), found[0], found[1])


def load(path: Path | None = None) -> tuple[Decided, list[str]]:
    """The decisions for a scan, reading only, and the warnings reading them gave."""
    global _loaded
    store = DecisionStore(path)
    state = _state(store.path)
    if _loaded is not None and _loaded[0] == state and state[1] is not None:
        return _loaded[1], []
    decided = store.decided()
    _loaded = (state, decided) if not store.warnings else None
    return decided, store.warnings
