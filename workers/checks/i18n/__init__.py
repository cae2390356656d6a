"""The applicant-facing fix texts in the applicants' languages (docs/contract.md, "Languages")."""
