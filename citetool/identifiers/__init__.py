"""Identifiers a researcher pastes (DOIs today): recognised, validated and normalised."""
