"""Identifier, financial and network string values: vectorised validation and synthetic generation.

This module owns the *format knowledge* for identifier-like columns (UUIDs, hashes, sequential and
templated ids), financial codes (IBAN, sort code, ABA routing number, payment cards, card expiry, VAT
numbers), personal identifiers (US SSN, UK NINo), network values (IPv4/6, MAC, domain, URL, user agent)
and a few other formatted strings (file names, hex colours, licence plates, phone numbers, postcodes,
latitude/longitude).

For every type ``T`` there is ``valid_T(values)``, which returns a bool array that is True where a string
has the right format *and* passes the type's checksum (Luhn, mod-97, ABA 3-7-1, ...), and
``generate_T(n, rng, **options)``, which returns an object array of ``n`` fresh ``str`` values, each valid
by ``valid_T``. Generated values are drawn from ``rng`` alone and are never copied from real data, so the
same seed always gives the same values. Everything works on whole arrays: formats are checked with
pandas ``str.fullmatch`` (ASCII semantics) and checksums with numpy digit arithmetic on ``(n, k)`` arrays,
and values are assembled from ASCII code matrices or numpy string concatenation, not one value at a time.

``IDS`` maps each type name to ``(valid_fn, generate_fn)`` for the types whose functions need nothing
beyond ``(values)`` / ``(n, rng, **options)``. ``pattern_id`` (which needs a template) is not in it.

The package has one module per family: :mod:`~bayes_synth.semantic.ids.surrogate` (UUIDs, hex digests,
sequential numbers), :mod:`~bayes_synth.semantic.ids.patterns` (template ids), :mod:`~bayes_synth.semantic.ids.banking`
(IBAN, sort code, routing number), :mod:`~bayes_synth.semantic.ids.cards` (card numbers, Luhn, expiry dates),
:mod:`~bayes_synth.semantic.ids.national` (SSN, NINo, VAT numbers), :mod:`~bayes_synth.semantic.ids.network` (IP, MAC,
domain, URL, user agent), :mod:`~bayes_synth.semantic.ids.phones`, :mod:`~bayes_synth.semantic.ids.geo` (postcodes,
latitude/longitude) and :mod:`~bayes_synth.semantic.ids.misc` (file names, hex colours, licence plates). Import the
functions from here (``from bayes_synth.semantic import ids``; ``ids.valid_iban(...)``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bayes_synth.semantic.ids.banking import (
    generate_iban,
    generate_routing_number,
    generate_sort_code,
    valid_iban,
    valid_routing_number,
    valid_sort_code,
)
from bayes_synth.semantic.ids.cards import card_scheme as card_scheme
from bayes_synth.semantic.ids.cards import (
    generate_card_expiry,
    generate_credit_card,
    luhn_valid,
    valid_card_expiry,
    valid_credit_card,
)
from bayes_synth.semantic.ids.geo import (
    generate_latitude,
    generate_longitude,
    generate_postcode,
    valid_latitude,
    valid_longitude,
    valid_postcode,
)
from bayes_synth.semantic.ids.misc import (
    generate_colour_hex,
    generate_file_name,
    generate_licence_plate,
    valid_colour_hex,
    valid_file_name,
    valid_licence_plate,
)
from bayes_synth.semantic.ids.national import (
    generate_ssn,
    generate_uk_nino,
    generate_vat_number,
    valid_ssn,
    valid_uk_nino,
    valid_vat_number,
)
from bayes_synth.semantic.ids.network import (
    generate_domain,
    generate_ipv4,
    generate_ipv6,
    generate_mac,
    generate_url,
    generate_user_agent,
    valid_domain,
    valid_ipv4,
    valid_ipv6,
    valid_mac,
    valid_url,
    valid_user_agent,
)
from bayes_synth.semantic.ids.patterns import generate_pattern_id, learn_pattern, valid_pattern_id
from bayes_synth.semantic.ids.patterns import pattern_capacity as pattern_capacity
from bayes_synth.semantic.ids.patterns import pattern_values as pattern_values
from bayes_synth.semantic.ids.phones import generate_phone, valid_phone
from bayes_synth.semantic.ids.phones import phone_layout as phone_layout
from bayes_synth.semantic.ids.surrogate import (
    generate_hash_id,
    generate_sequential_id,
    generate_uuid,
    valid_hash_id,
    valid_sequential_id,
    valid_uuid,
)

__all__ = [
    "IDS",
    "generate_card_expiry",
    "generate_colour_hex",
    "generate_credit_card",
    "generate_domain",
    "generate_file_name",
    "generate_hash_id",
    "generate_iban",
    "generate_ipv4",
    "generate_ipv6",
    "generate_latitude",
    "generate_licence_plate",
    "generate_longitude",
    "generate_mac",
    "generate_pattern_id",
    "generate_phone",
    "generate_postcode",
    "generate_routing_number",
    "generate_sequential_id",
    "generate_sort_code",
    "generate_ssn",
    "generate_uk_nino",
    "generate_url",
    "generate_user_agent",
    "generate_uuid",
    "generate_vat_number",
    "learn_pattern",
    "luhn_valid",
    "valid_card_expiry",
    "valid_colour_hex",
    "valid_credit_card",
    "valid_domain",
    "valid_file_name",
    "valid_hash_id",
    "valid_iban",
    "valid_ipv4",
    "valid_ipv6",
    "valid_latitude",
    "valid_licence_plate",
    "valid_longitude",
    "valid_mac",
    "valid_pattern_id",
    "valid_phone",
    "valid_postcode",
    "valid_routing_number",
    "valid_sequential_id",
    "valid_sort_code",
    "valid_ssn",
    "valid_uk_nino",
    "valid_url",
    "valid_user_agent",
    "valid_uuid",
    "valid_vat_number",
]

IDS: dict[str, tuple[Callable[..., np.ndarray], Callable[..., np.ndarray]]] = {
    "uuid": (valid_uuid, generate_uuid),
    "hash_id": (valid_hash_id, generate_hash_id),
    "sequential_id": (valid_sequential_id, generate_sequential_id),
    "iban": (valid_iban, generate_iban),
    "sort_code": (valid_sort_code, generate_sort_code),
    "routing_number": (valid_routing_number, generate_routing_number),
    "credit_card": (valid_credit_card, generate_credit_card),
    "card_expiry": (valid_card_expiry, generate_card_expiry),
    "ssn": (valid_ssn, generate_ssn),
    "uk_nino": (valid_uk_nino, generate_uk_nino),
    "vat_number": (valid_vat_number, generate_vat_number),
    "ipv4": (valid_ipv4, generate_ipv4),
    "ipv6": (valid_ipv6, generate_ipv6),
    "mac": (valid_mac, generate_mac),
    "domain": (valid_domain, generate_domain),
    "url": (valid_url, generate_url),
    "user_agent": (valid_user_agent, generate_user_agent),
    "file_name": (valid_file_name, generate_file_name),
    "colour_hex": (valid_colour_hex, generate_colour_hex),
    "licence_plate": (valid_licence_plate, generate_licence_plate),
    "phone": (valid_phone, generate_phone),
    "postcode": (valid_postcode, generate_postcode),
    "latitude": (valid_latitude, generate_latitude),
    "longitude": (valid_longitude, generate_longitude),
}
"""Type name -> ``(valid_fn(values), generate_fn(n, rng, **options))``; ``pattern_id`` (needs a template) is absent."""
