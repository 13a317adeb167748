"""Identifiers a researcher pastes (DOIs, arXiv IDs, ISBNs, PMIDs, PMCIDs, PDFs): recognised, validated, normalised."""
