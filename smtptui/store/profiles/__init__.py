"""Saved profiles: the Profile model, its TOML files, the store folder and the packaged examples."""

from smtptui.store.profiles.document import parse_profile, to_toml
from smtptui.store.profiles.model import FIELDS, Profile
from smtptui.store.profiles.paths import (
    ENV_PROFILES,
    default_profiles_dir,
    example_files,
    resolve_eml,
    seed_examples,
)
from smtptui.store.profiles.store import BrokenProfile, ProfileStore, load_file
from smtptui.store.profiles.validate import (
    MODES,
    QUIT_AFTER_STAGES,
    TLS_MODES,
    ProfileError,
    ProfileNotFound,
    check_field,
    slugify,
)

__all__ = [
    "ENV_PROFILES", "FIELDS", "MODES", "QUIT_AFTER_STAGES", "TLS_MODES", "BrokenProfile",
    "Profile", "ProfileError", "ProfileNotFound", "ProfileStore", "check_field",
    "default_profiles_dir", "example_files", "load_file", "parse_profile", "resolve_eml",
    "seed_examples", "slugify", "to_toml",
]
