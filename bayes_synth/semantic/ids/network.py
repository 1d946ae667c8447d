"""Network values: IPv4 and IPv6 addresses, MAC addresses, domain names, URLs and browser user agents."""

from __future__ import annotations

import functools
import ipaddress
import re

import numpy as np

from bayes_synth.semantic.ids._common import (
    _HEX_LOWER,
    _HEX_UPPER,
    _as_values,
    _assemble,
    _cat,
    _check_n,
    _from_codes,
    _fullmatch,
    _int_str,
    _pick,
)
from bayes_synth.semantic.ids._words import _TLD_WEIGHTS, _TLDS, _WORDS_U

_OCTET_RE = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_OCTETS = np.asarray([str(i) for i in range(256)], dtype=str)


def valid_ipv4(values: np.ndarray) -> np.ndarray:
    """True where the value is a dotted-quad IPv4 address (each part 0-255, no leading zeros).

    >>> valid_ipv4(np.array(["192.168.0.1", "256.1.1.1", "01.2.3.4", "1.2.3"], dtype=object)).tolist()
    [True, False, False, False]
    """
    return _fullmatch(values, rf"{_OCTET_RE}(?:\.{_OCTET_RE}){{3}}")


def generate_ipv4(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` random unicast IPv4 addresses (first octet 1-223, not 127).

    >>> generate_ipv4(2, np.random.default_rng(0)).tolist()
    ['190.130.69.78', '143.10.19.4']
    """
    n = _check_n(n)
    first = rng.integers(1, 223, size=n)
    first += first >= 127
    rest = _OCTETS[rng.integers(0, 256, size=(n, 3))]
    return _cat(_OCTETS[first], ".", rest[:, 0], ".", rest[:, 1], ".", rest[:, 2]).astype(object)


_IPV6_FULL_RE = r"(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}"


def _ipv6_ok(s: str) -> bool:
    try:
        ipaddress.IPv6Address(s)
    except ValueError:
        return False
    return True


def valid_ipv6(values: np.ndarray) -> np.ndarray:
    """True where the value is an IPv6 address in full or compressed (``::``) form, as ``ipaddress`` accepts.

    Scope ids (``%eth0``) are not accepted.

    >>> valid_ipv6(np.array(["2001:db8:0:0:0:0:0:1", "2001:db8::1", "::ffff:192.0.2.1", "2001:db8:::1", "1:2:3"],
    ...                     dtype=object)).tolist()
    [True, True, True, False, False]
    """
    arr = _as_values(values)
    ok = _fullmatch(arr, _IPV6_FULL_RE)
    rest = np.flatnonzero(~ok & _fullmatch(arr, r"[0-9a-fA-F:.]{2,45}"))
    if rest.size:
        ok[rest] = [_ipv6_ok(s) for s in arr[rest]]
    return ok


@functools.cache
def _hex_groups() -> np.ndarray:
    """All 16-bit groups in shortest lowercase hex (``0`` ... ``ffff``), built on first use."""
    return np.asarray([format(i, "x") for i in range(65536)], dtype=str)


def generate_ipv6(n: int, rng: np.random.Generator, compressed: bool = False) -> np.ndarray:
    """``n`` random global-unicast IPv6 addresses; full lowercase 8 groups, or RFC 5952 form if ``compressed``.

    >>> generate_ipv6(1, np.random.default_rng(0)).tolist()
    ['259b:a30f:82d9:4510:4ecd:0a7d:1342:043b']
    """
    n = _check_n(n)
    groups = rng.integers(0, 65536, size=(n, 8))
    groups[:, 0] = rng.integers(0x2000, 0x4000, size=n)
    if not compressed:
        nib = (groups[:, :, None] >> np.array([12, 8, 4, 0])) & 15
        h = _HEX_LOWER[nib.reshape(n, 32)]
        blocks: list[np.ndarray | str] = []
        for g in range(8):
            blocks += [h[:, 4 * g : 4 * g + 4], ":"]
        return _from_codes(_assemble(n, *blocks[:-1]))
    table = _hex_groups()
    parts: list[np.ndarray | str] = []
    for g in range(8):
        parts += [table[groups[:, g]], ":"]
    out = _cat(*parts[:-1]).astype(object)
    zero_run = ((groups[:, :-1] == 0) & (groups[:, 1:] == 0)).any(axis=1)  # needs '::' (rare)
    for i in np.flatnonzero(zero_run):
        out[i] = ipaddress.IPv6Address(out[i]).compressed
    return out


def valid_mac(values: np.ndarray, sep: str | None = None) -> np.ndarray:
    """True where the value is a MAC address: 6 hex pairs joined by one separator (``:`` or ``-``; any case).

    >>> valid_mac(np.array(["3c:22:fb:01:9a:7e", "3C-22-FB-01-9A-7E", "3c:22-fb:01:9a:7e", "3c:22:fb:01:9a"],
    ...                    dtype=object)).tolist()
    [True, True, False, False]
    """
    if sep is None:
        return _fullmatch(values, r"[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(?:\1[0-9a-fA-F]{2}){4}")
    s = re.escape(sep)
    return _fullmatch(values, rf"[0-9a-fA-F]{{2}}(?:{s}[0-9a-fA-F]{{2}}){{5}}")


def generate_mac(n: int, rng: np.random.Generator, sep: str = ":", upper: bool = False) -> np.ndarray:
    """``n`` random unicast MAC addresses, hex pairs joined by ``sep`` (``:`` or ``-``).

    >>> generate_mac(1, np.random.default_rng(0), sep="-", upper=True).tolist()
    ['58-CD-CE-0A-2D-D8']
    """
    n = _check_n(n)
    if sep not in (":", "-"):
        raise ValueError(f"MAC separator must be ':' or '-', got {sep!r}")
    nib = rng.integers(0, 16, size=(n, 12), dtype=np.uint8)
    nib[:, 1] &= 0xE  # unicast: clear the I/G bit of the first octet
    h = (_HEX_UPPER if upper else _HEX_LOWER)[nib]
    blocks: list[np.ndarray | str] = []
    for g in range(6):
        blocks += [h[:, 2 * g : 2 * g + 2], sep]
    return _from_codes(_assemble(n, *blocks[:-1]))


_LABEL_RE = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN_RE = rf"(?=.{{4,253}}$)(?:{_LABEL_RE}\.)+[a-z]{{2,63}}"


def valid_domain(values: np.ndarray) -> np.ndarray:
    """True where the value is a DNS host name with at least two labels and an alphabetic TLD (any case).

    >>> valid_domain(np.array(["harbor-light.co.uk", "Example.COM", "-bad.com", "localhost", "a..com"],
    ...                       dtype=object)).tolist()
    [True, True, False, False, False]
    """
    return _fullmatch(values, _DOMAIN_RE, re.IGNORECASE)


def _domains_u(n: int, rng: np.random.Generator) -> np.ndarray:
    w1, w2 = _WORDS_U[rng.integers(0, _WORDS_U.size, size=(2, n))]
    form = rng.random(n)
    sep = np.where(form < 0.2, "-", "")
    second = np.where(form < 0.5, w2, "")
    sep = np.where(form < 0.5, sep, "")
    tld = np.asarray(_TLDS, dtype=str)[rng.choice(len(_TLDS), size=n, p=_TLD_WEIGHTS)]
    return _cat(w1, sep, second, ".", tld)


def generate_domain(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` random domains: one or two words (joined directly or by ``-``) and a common TLD.

    >>> generate_domain(3, np.random.default_rng(0)).tolist()
    ['tundra-evergreen.co.uk', 'prairie.info', 'nectar.io']
    """
    n = _check_n(n)
    return _domains_u(n, rng).astype(object)


_URL_PATH_CHAR = r"[A-Za-z0-9._~%!$&'()*+,;=:@-]"


def valid_url(values: np.ndarray) -> np.ndarray:
    """True where the value is an ``http``/``https`` URL: host name, optional port, path, query and fragment.

    >>> valid_url(np.array(["https://harbor-light.com/maple/news", "https://harbor.io", "ftp://harbor.io",
    ...                     "https://harbor", "https://harbor.io/a b"], dtype=object)).tolist()
    [True, True, False, False, False]
    """
    path = rf"(?:/{_URL_PATH_CHAR}*)*"
    query = rf"(?:\?(?:{_URL_PATH_CHAR}|[/?])*)?(?:#(?:{_URL_PATH_CHAR}|[/?])*)?"
    host = rf"(?:{_LABEL_RE}\.)+[a-z]{{2,63}}"
    return _fullmatch(values, rf"https?://{host}(?::[0-9]{{1,5}})?{path}{query}", re.IGNORECASE)


def generate_url(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` random ``https://`` URLs: a generated domain plus a path of 0-2 words.

    >>> bool(valid_url(generate_url(5, np.random.default_rng(0))).all())
    True
    """
    n = _check_n(n)
    dom = _domains_u(n, rng)
    depth = rng.choice(3, size=n, p=[0.3, 0.4, 0.3])
    p1, p2 = _WORDS_U[rng.integers(0, _WORDS_U.size, size=(2, n))]
    seg1 = np.where(depth >= 1, _cat(np.full(n, "/"), p1), "")
    seg2 = np.where(depth >= 2, _cat(np.full(n, "/"), p2), "")
    return _cat(np.full(n, "https://"), dom, seg1, seg2).astype(object)


# user agents -------------------------------------------------------------------------------------

_CHROME_MAJOR = (120, 132)
_FIREFOX_MAJOR = (115, 134)
_SAFARI_VERSIONS = ("16.6", "17.0", "17.1", "17.2", "17.3", "17.4", "17.5", "17.6", "18.0", "18.1", "18.2")
_DESKTOP_CHROME = ("Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10_15_7", "X11; Linux x86_64")
_DESKTOP_FIREFOX = ("Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10.15", "X11; Linux x86_64",
                    "X11; Ubuntu; Linux x86_64")
_WEBKIT = ") AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"


def _ua_chrome(m: int, rng: np.random.Generator) -> np.ndarray:
    major = _int_str(rng.integers(*_CHROME_MAJOR, size=m))
    plat = _pick(rng, m, _DESKTOP_CHROME)
    return _cat(np.full(m, "Mozilla/5.0 ("), plat, _WEBKIT, major, ".0.0.0 Safari/537.36")


def _ua_edge(m: int, rng: np.random.Generator) -> np.ndarray:
    major = _int_str(rng.integers(*_CHROME_MAJOR, size=m))
    plat = _pick(rng, m, _DESKTOP_CHROME[:2])
    build, patch = _int_str(rng.integers(2200, 2960, size=m)), _int_str(rng.integers(0, 120, size=m))
    return _cat(np.full(m, "Mozilla/5.0 ("), plat, _WEBKIT, major, ".0.0.0 Safari/537.36 Edg/", major, ".0.",
                build, ".", patch)


def _ua_android(m: int, rng: np.random.Generator) -> np.ndarray:
    major = _int_str(rng.integers(*_CHROME_MAJOR, size=m))
    android = _int_str(rng.integers(10, 15, size=m))
    return _cat(np.full(m, "Mozilla/5.0 (Linux; Android "), android, "; K", _WEBKIT, major,
                ".0.0.0 Mobile Safari/537.36")


def _ua_firefox(m: int, rng: np.random.Generator) -> np.ndarray:
    v = _int_str(rng.integers(*_FIREFOX_MAJOR, size=m))
    plat = _pick(rng, m, _DESKTOP_FIREFOX)
    return _cat(np.full(m, "Mozilla/5.0 ("), plat, "; rv:", v, ".0) Gecko/20100101 Firefox/", v, ".0")


def _ua_safari_mac(m: int, rng: np.random.Generator) -> np.ndarray:
    v = _pick(rng, m, _SAFARI_VERSIONS)
    return _cat(np.full(m, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
                           "(KHTML, like Gecko) Version/"), v, " Safari/605.1.15")


def _ua_safari_ios(m: int, rng: np.random.Generator) -> np.ndarray:
    k = rng.integers(0, len(_SAFARI_VERSIONS), size=m)
    v = np.asarray(_SAFARI_VERSIONS, dtype=str)[k]
    os_v = np.strings.replace(v, ".", "_")
    device = np.where(rng.random(m) < 0.85, "iPhone; CPU iPhone OS ", "iPad; CPU OS ")
    return _cat(np.full(m, "Mozilla/5.0 ("), device, os_v, " like Mac OS X) AppleWebKit/605.1.15 "
                "(KHTML, like Gecko) Version/", v, " Mobile/15E148 Safari/604.1")


_UA_BUILDERS = (_ua_chrome, _ua_android, _ua_safari_ios, _ua_edge, _ua_firefox, _ua_safari_mac)
_UA_MIX = np.array([0.35, 0.20, 0.15, 0.10, 0.10, 0.10])


def valid_user_agent(values: np.ndarray) -> np.ndarray:
    """True where the value looks like a browser user agent: ``Mozilla/5.0 (platform) product...`` in printable ASCII.

    >>> valid_user_agent(np.array(["Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    ...                            "curl/8.5.0", "Mozilla/5.0 (X11"], dtype=object)).tolist()
    [True, False, False]
    """
    return _fullmatch(values, r"Mozilla/5\.0 \([^()\x00-\x1f\x7f]+\) [\x20-\x7e]+")


def generate_user_agent(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` realistic browser user agents (Chrome, Edge, Firefox, Safari on Windows/macOS/Linux/Android/iOS).

    >>> bool(valid_user_agent(generate_user_agent(20, np.random.default_rng(0))).all())
    True
    """
    n = _check_n(n)
    which = rng.choice(len(_UA_BUILDERS), size=n, p=_UA_MIX)
    out = np.empty(n, dtype=object)
    for k, build in enumerate(_UA_BUILDERS):
        idx = np.flatnonzero(which == k)
        if idx.size:
            out[idx] = build(idx.size, rng).astype(object)
    return out
