"""GitHub's Markdown to HTML with cmark-gfm, through cmarkgfm, giving back what each conversion takes.

cmarkgfm's markdown_to_html_with_extensions frees neither the document tree
it parses nor the HTML it renders: some 15 KB an article that the process
keeps until it ends (80 MB over 10,000 articles, and a dev server converting
the same articles again on every save keeps them too). Here the conversion
goes through cmarkgfm's own steps and frees both, as cmark-gfm's API says
the caller must: the tree with cmark_node_free, the HTML with the C
library's free, which cmark-gfm's default allocator allocates with. Neither
is declared to cmarkgfm's binding, so they are called through ctypes on the
same compiled library.
"""

from __future__ import annotations

import ctypes
from functools import lru_cache

from cmarkgfm import _cmark
from cmarkgfm import cmark

_LIB, _FFI = _cmark.lib, _cmark.ffi


@lru_cache(maxsize=None)
def _freeing() -> tuple | None:
    """cmark_node_free and free, as ctypes functions taking an address; None where they cannot be found.

    free is the C library's that the process loaded, as on Linux and macOS;
    elsewhere (Windows: no such library, and each extension may bring its
    own C runtime) nothing is freed, as cmarkgfm does.
    """
    try:
        node_free = ctypes.CDLL(_cmark.__file__).cmark_node_free
        free = ctypes.CDLL(None).free
    except (OSError, TypeError, AttributeError):
        return None
    for function in (node_free, free):
        function.argtypes, function.restype = [ctypes.c_void_p], None
    return node_free, free


@lru_cache(maxsize=None)
def _extensions(names: tuple[str, ...]) -> tuple:
    cmark.core_extensions_ensure_registered()
    found = []
    for name in names:
        extension = cmark.find_syntax_extension(name)
        if extension is None:
            raise ValueError(f"cmark-gfm has no extension {name}")
        found.append(extension)
    return tuple(found)


def _address(pointer) -> int:
    return int(_FFI.cast("uintptr_t", pointer))


def to_html_utf8(text: str, options: int, extensions: tuple[str, ...]) -> bytes:
    """What cmarkgfm.markdown_to_html_with_extensions(text, options, extensions) gives, in UTF-8 as cmark-gfm
    writes it, leaving nothing behind."""
    freeing = _freeing()
    if freeing is None:
        return cmark.markdown_to_html_with_extensions(text, options=options, extensions=list(extensions)).encode("utf-8")
    node_free, free = freeing
    parser = cmark.parser_new(options)
    try:
        for extension in _extensions(extensions):
            cmark.parser_attach_syntax_extension(parser, extension)
        cmark.parser_feed(parser, text)
        root = cmark.parser_finish(parser)  # the caller's to free: the parser no longer holds it
        try:
            html = _LIB.cmark_render_html(root, options, cmark.parser_get_syntax_extensions(parser))
            try:
                return _FFI.string(html)
            finally:
                free(_address(html))
        finally:
            node_free(_address(root))
    finally:
        cmark.parser_free(parser)
