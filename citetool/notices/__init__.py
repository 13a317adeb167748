"""Editorial notices about works: retractions, withdrawals, expressions of concern, corrections.

Read from three places and told apart by :mod:`.kinds`: Crossref's
``updated-by``/``update-to`` and ``/works?filter=updates:`` (:mod:`.crossref`),
PubMed's publication types and comments-and-corrections (:mod:`.pubmed`), and a
downloaded copy of the Retraction Watch database (:mod:`.retraction_watch`).
Answers from the network are kept with the time they were asked
(:mod:`.store`).
"""
