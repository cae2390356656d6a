"""Screen resolutions (pixels, either orientation) that screenshots come in: phones, tablets, desktops.

Data, not logic: a screenshot keeps its screen's exact pixel size, which camera photos almost never have.
Sources: Apple's Human Interface Guidelines device table (iPhone/iPad native resolutions), Android device
specification sheets (Samsung Galaxy S/A, Google Pixel) and StatCounter's desktop screen-resolution statistics
(2024).
"""

from __future__ import annotations

PHONE_SCREENS: tuple[tuple[int, int], ...] = (
    # iPhone (native pixel sizes)
    (640, 1136),  # 5, 5s, SE (1st gen)
    (750, 1334),  # 6, 7, 8, SE (2nd/3rd gen)
    (1080, 1920),  # 6/7/8 Plus (downsampled); also many Android phones
    (1125, 2436),  # X, XS, 11 Pro
    (828, 1792),  # XR, 11
    (1242, 2688),  # XS Max, 11 Pro Max
    (1080, 2340),  # 12 mini, 13 mini; many Android phones
    (1170, 2532),  # 12, 12 Pro, 13, 13 Pro, 14
    (1284, 2778),  # 12 Pro Max, 13 Pro Max, 14 Plus
    (1179, 2556),  # 14 Pro, 15, 15 Pro, 16
    (1290, 2796),  # 14 Pro Max, 15 Plus, 15 Pro Max, 16 Plus
    (1206, 2622),  # 16 Pro
    (1320, 2868),  # 16 Pro Max
    # Android
    (720, 1280),
    (720, 1520),
    (720, 1600),
    (1080, 2160),
    (1080, 2220),  # Galaxy S8/S9 (default FHD+)
    (1080, 2280),
    (1080, 2400),  # Galaxy S20-S24, A5x
    (1080, 2408),
    (1080, 2424),  # Pixel 7, Pixel 8
    (1080, 2640),  # Galaxy Z Fold cover screens and similar 22:9
    (1440, 2560),
    (1440, 2960),  # Galaxy S8/S9 (WQHD+)
    (1440, 3040),  # Galaxy S10
    (1440, 3088),  # Galaxy Note 20 Ultra, S22 Ultra
    (1440, 3120),  # Pixel 7 Pro, Galaxy S23/S24 Ultra
    (1440, 3200),  # Galaxy S20/S21 Ultra
    (1344, 2992),  # Pixel 8 Pro
    (1280, 2856),  # Pixel 9 Pro
    (1260, 2800),  # OnePlus 12
)

TABLET_SCREENS: tuple[tuple[int, int], ...] = (
    (1536, 2048),  # iPad 3rd-6th gen, iPad mini 2-5
    (1620, 2160),  # iPad 7th-9th gen
    (1640, 2360),  # iPad Air 4/5, iPad 10th gen
    (1668, 2224),  # iPad Pro 10.5, iPad Air 3
    (1668, 2388),  # iPad Pro 11
    (1488, 2266),  # iPad mini 6
    (2048, 2732),  # iPad Pro 12.9
    (1600, 2560),  # Galaxy Tab S
)

DESKTOP_SCREENS: tuple[tuple[int, int], ...] = (
    (1024, 768),
    (1280, 720),
    (1280, 800),
    (1280, 1024),
    (1360, 768),
    (1366, 768),
    (1440, 900),
    (1536, 864),
    (1600, 900),
    (1680, 1050),
    (1920, 1080),
    (1920, 1200),
    (2560, 1080),
    (2560, 1440),
    (2560, 1600),  # MacBook Pro 13 (Retina)
    (2560, 1664),  # MacBook Air 13 (M2/M3)
    (2880, 1800),  # MacBook Pro 15 (Retina)
    (2880, 1864),  # MacBook Air 15
    (3024, 1964),  # MacBook Pro 14
    (3456, 2234),  # MacBook Pro 16
    (3440, 1440),
    (3840, 2160),
    (5120, 2880),  # 5K iMac / Studio Display
)

# Orientation-free lookup: (short side, long side).
SCREEN_SIZES: frozenset[tuple[int, int]] = frozenset(
    (min(w, h), max(w, h)) for w, h in (*PHONE_SCREENS, *TABLET_SCREENS, *DESKTOP_SCREENS)
)
