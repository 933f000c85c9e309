"""Turning a MIME part's bytes into text whatever charset it claims (or lies about).

Mail declares charsets loosely: ``iso-8859-1`` that is really Windows-1252, Korean mail
labelled ``ks_c_5601-1987``, Chinese ``gb2312`` holding GBK characters, ``unknown-8bit``,
or a name Python has never heard of. The rules, in the spirit of the WHATWG encoding
standard: read the declared charset through a table of supersets; if it is unknown or the
bytes do not decode, try UTF-8 and then Windows-1252 (which decodes any byte). Text is
never dropped, at worst a character shows as U+FFFD.
"""

from __future__ import annotations

import codecs

__all__ = ["decode_bytes", "repair_header_text"]

_SUPERSET = {
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "utf8": "utf-8",
}


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    name = charset.strip().strip('"').lower()
    name = _SUPERSET.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, charset: str | None) -> str:
    """``data`` as text (see the module docstring for the fallbacks)."""
    codec = _codec(charset)
    if codec is not None:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if codec is not None:
        return data.decode(codec, errors="replace")
    return data.decode("cp1252", errors="replace")


def repair_header_text(value: str) -> str:
    """A header value with raw 8-bit bytes (kept by the parser as surrogate escapes) decoded."""
    if not any("\udc80" <= c <= "\udcff" for c in value):
        return value
    raw = value.encode("utf-8", errors="surrogateescape")
    return decode_bytes(raw, None)
