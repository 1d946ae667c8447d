"""Word lists used by domains, URLs and file names (neutral English words) and common top-level domains."""

from __future__ import annotations

import numpy as np

_WORDS: tuple[str, ...] = (
    "acorn", "alpine", "amber", "anchor", "apple", "arrow", "aspen", "atlas", "autumn", "azure", "badge", "bakery",
    "bamboo", "banner", "basin", "bay", "beacon", "beam", "berry", "birch", "bloom", "blossom", "blue", "bolt",
    "bridge", "bright", "brook", "bubble", "cabin", "cactus", "canal", "candle", "canyon", "carbon", "cascade",
    "castle", "cedar", "cello", "chalk", "cherry", "cinder", "circle", "citrus", "cloud", "clover", "cobalt",
    "comet", "copper", "coral", "core", "cotton", "cove", "craft", "crane", "creek", "crest", "crimson", "crystal",
    "daisy", "dale", "dawn", "daylight", "delta", "desert", "dolphin", "dune", "eagle", "echo", "ember", "emerald",
    "evergreen", "falcon", "feather", "fern", "field", "fjord", "flint", "forest", "fossil", "fountain", "frost",
    "garden", "garnet", "glacier", "glen", "golden", "granite", "green", "grid", "grove", "harbor", "harvest",
    "haven", "hazel", "heron", "hill", "honey", "horizon", "hub", "indigo", "island", "ivory", "jade", "jasmine",
    "jungle", "kernel", "kettle", "kite", "lagoon", "lake", "lantern", "lark", "laurel", "leaf", "lemon", "light",
    "lily", "linen", "link", "logic", "loop", "lotus", "lunar", "magnet", "maple", "marble", "marsh", "meadow",
    "melody", "mint", "mirror", "mist", "moss", "mountain", "nectar", "needle", "nest", "noble", "node", "north",
    "nova", "oak", "oasis", "ocean", "ochre", "olive", "onyx", "opal", "orange", "orbit", "orchard", "otter", "owl",
    "palm", "paper", "path", "peak", "pearl", "pebble", "pepper", "pine", "pixel", "planet", "plum", "pond",
    "poppy", "port", "prairie", "prism", "pulse", "quartz", "quest", "quiet", "quill", "rain", "rapid", "raven",
    "reef", "ridge", "river", "robin", "rocket", "rose", "ruby", "saffron", "sage", "sail", "salt", "sand", "satin",
    "scarlet", "shadow", "shell", "shore", "signal", "silver", "sky", "slate", "snow", "solar", "spark", "spire",
    "spring", "spruce", "star", "stone", "storm", "stream", "summit", "sun", "swan", "swift", "sync", "teal",
    "thistle", "thunder", "tide", "timber", "topaz", "tower", "trail", "true", "tulip", "tundra", "urban", "vale",
    "valley", "vector", "velvet", "violet", "vista", "walnut", "wave", "wild", "willow", "wind", "winter", "wood",
    "wren", "yarrow", "yellow", "zenith", "zephyr", "zinc", "bench", "canvas", "cobble", "compass", "folio",
    "harbour", "journal", "ledger", "market", "notebook", "pattern", "report", "ribbon", "season", "sketch",
    "table", "ticket", "voyage", "window",
)
_WORDS_U = np.asarray(_WORDS, dtype=str)

_TLDS = ("com", "org", "net", "io", "co.uk", "co", "dev", "app", "info", "de", "fr", "nl", "eu", "ca", "com.au",
         "org.uk", "tech", "biz")
_TLD_WEIGHTS = np.array([30, 10, 8, 6, 8, 4, 3, 3, 3, 4, 3, 3, 2, 3, 3, 2, 2, 2], dtype=float)
_TLD_WEIGHTS /= _TLD_WEIGHTS.sum()
