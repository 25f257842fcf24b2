"""jieba's dictionary in a compact form, for title breaking.

jieba keeps its dictionary (349,046 words) as one Python dict that also holds every prefix of
every word: half a million str keys, some 60 MB of a web worker's memory for the few titles it
breaks. :class:`Frequencies` holds the same entries in 12 MB: the words one after the other in
one UTF-8 string, and an open-addressing table of three arrays whose slots point into it. It
answers the three questions jieba's segmentation asks of its dict (``in``, ``[]`` and ``.get``)
exactly as the dict does, a key being found only where its very bytes are, so that jieba's own
code segments on it unchanged (:func:`tokenizer`).

Building the table from the dictionary takes seconds; the table is kept in a file of the user's
cache directory (``$XDG_CACHE_HOME/docgen``, by default ``~/.cache/docgen``) and read back in
milliseconds by every later process, whatever its temporary directory.

jieba is imported here (and docgen imports it only through this module) without setuptools'
``pkg_resources``: see :func:`_without_pkg_resources`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import sys
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from zlib import crc32


@contextlib.contextmanager
def _without_pkg_resources() -> Iterator[None]:
    """``import pkg_resources`` fails inside this block, unless it was imported before.

    jieba 0.42.1's ``jieba._compat`` imports ``pkg_resources`` (a tenth of a second: it scans
    every installed distribution) only to open jieba's own data files, and when that import
    fails opens them beside its module instead. A ``None`` in ``sys.modules`` makes the import
    fail (the import system's documented way), and is removed after, so that nothing else is
    kept from importing ``pkg_resources`` later."""
    if "pkg_resources" in sys.modules:
        yield
        return
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if sys.modules.get("pkg_resources", False) is None:
            del sys.modules["pkg_resources"]


with _without_pkg_resources():
    import jieba

DICTIONARY = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
_FORMAT = b"docgen-wordlist 1\n"
_CAPACITY = 1 << 20  # slots; jieba's dictionary fills half of them


class Frequencies:
    """A word's frequency, and 0 for a prefix of a word that is not itself a word."""

    def __init__(self, text: bytes, start: array[int], length: array[int], frequency: array[int], total: int) -> None:
        self._text, self._start, self._length, self._frequency = text, start, length, frequency
        self._mask = len(length) - 1
        self.total = total

    @classmethod
    def from_lines(cls, lines: Iterable[bytes], capacity: int = _CAPACITY) -> Frequencies:
        """The entries of jieba's dictionary lines (``word frequency [tag]``), read as jieba reads
        them: a word listed twice keeps its last frequency, and :attr:`total` sums every line's."""
        words, lengths, frequencies, total = io.BytesIO(), array("B"), array("I"), 0
        for number, line in enumerate(lines, 1):
            try:
                word, frequency = line.strip().decode("utf-8").split(" ")[:2]
                encoded = word.encode("utf-8")
                if not encoded:
                    raise ValueError
                lengths.append(len(encoded))
                frequencies.append(int(frequency))
            except (ValueError, OverflowError):
                raise ValueError(f"invalid dictionary entry at line {number}: {line!r}") from None
            words.write(encoded)
            total += frequencies[-1]
        table = cls(words.getvalue(), array("I", bytes(4 * capacity)), array("B", bytes(capacity)),
                    array("I", bytes(4 * capacity)), total)
        entries, offset = 0, 0
        for size, frequency in zip(lengths, frequencies):
            word = table._text[offset:offset + size].decode("utf-8")
            for prefix in (word[:end] for end in range(1, len(word) + 1)):
                slot = table._slot(prefix.encode("utf-8"))
                if not table._length[slot]:
                    entries += 1
                    if 2 * entries > capacity:
                        raise ValueError(f"more than {capacity // 2} entries: give a larger capacity")
                    table._start[slot], table._length[slot] = offset, len(prefix.encode("utf-8"))
            table._frequency[slot] = frequency  # the slot of the whole word
            offset += size
        return table

    def _slot(self, key: bytes) -> int:
        """The slot that holds ``key``, or the free slot where it would go."""
        slot = crc32(key) & self._mask
        while (length := self._length[slot]) and not (length == len(key) and self._text.startswith(key, self._start[slot])):
            slot = (slot + 1) & self._mask
        return slot

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._length[self._slot(key.encode("utf-8"))] > 0

    def __getitem__(self, key: str) -> int:
        slot = self._slot(key.encode("utf-8"))
        if not self._length[slot]:
            raise KeyError(key)
        return self._frequency[slot]

    def get(self, key: str, default: int | None = None) -> int | None:
        slot = self._slot(key.encode("utf-8"))
        return self._frequency[slot] if self._length[slot] else default

    def dump(self, path: Path) -> None:
        """Write the table to ``path`` at once (through a temporary file beside it)."""
        part = path.with_name(f"{path.name}.{os.getpid()}.part")
        with part.open("wb") as out:
            out.write(_FORMAT + f"{len(self._length)} {len(self._text)} {self.total}\n".encode("ascii"))
            out.write(self._text)
            for column in (self._start, self._length, self._frequency):
                column.tofile(out)
        os.replace(part, path)

    @classmethod
    def load(cls, path: Path) -> Frequencies:
        """The table :meth:`dump` wrote; ValueError if the file is not one, or not whole."""
        with path.open("rb") as data:
            if data.readline() != _FORMAT:
                raise ValueError(f"{path} is not a word list of this version")
            try:
                capacity, size, total = (int(n) for n in data.readline().split())
                text = data.read(size)
                columns = array("I"), array("B"), array("I")
                for column in columns:
                    column.fromfile(data, capacity)
            except (EOFError, ValueError):
                raise ValueError(f"{path} is cut short") from None
            if len(text) != size or data.read(1):
                raise ValueError(f"{path} is not whole")
        return cls(text, *columns, total)


def cache_directory() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "docgen"


def cached(dictionary: Path = DICTIONARY) -> Frequencies:
    """The entries of ``dictionary``, from the cache directory's copy of their table when it is
    there and whole, else built and stored there for the next process."""
    stat = dictionary.stat()
    key = hashlib.sha1(f"{dictionary.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    path = cache_directory() / f"wordlist-{key}.bin"
    try:
        return Frequencies.load(path)
    except (OSError, ValueError):
        pass
    with dictionary.open("rb") as lines:
        frequencies = Frequencies.from_lines(lines)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        frequencies.dump(path)
    except OSError:
        pass  # no cache directory can be written: the next process builds the table again
    return frequencies


def tokenizer(dictionary: Path = DICTIONARY) -> jieba.Tokenizer:
    """A jieba tokenizer of ``dictionary`` whose entries are a :class:`Frequencies`, not a dict."""
    jieba.setLogLevel(logging.WARNING)
    segmenter = jieba.Tokenizer(str(dictionary))
    frequencies = cached(dictionary)
    segmenter.FREQ, segmenter.total, segmenter.initialized = frequencies, frequencies.total, True
    return segmenter
