"""The document holders the corpus's ground truth names, as the applicant's own profile would give them.

The SIDTD renders carry no MRZ; their holders (full name, date of birth) come from the JSON annotations next to
them (`sidtd/alb_0_id.json`...), their fakes' from the render each was made from (the corpus MANIFEST).
"""

from __future__ import annotations

SIDTD_PROFILES: dict[str, tuple[str, str | None]] = {
    "alb00.jpg": ("Agani Adnan", "1991-11-20"),
    "fake_alb00.jpg": ("Agani Adnan", "1991-11-20"),
    "fake_ir_alb00.jpg": ("Agani Adnan", "1991-11-20"),
    "fake_ir_2_alb00.jpg": ("Agani Adnan", "1991-11-20"),
    "alb01.jpg": ("Ahmetaj Afrim", "1992-10-30"),
    "fake_alb01.jpg": ("Ahmetaj Afrim", "1992-10-30"),
    "aze00.jpg": ("Adil Abdullayev", "1994-08-14"),
    "aze01.jpg": ("Adnan Abramov", "1972-10-24"),
}
