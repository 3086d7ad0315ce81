"""Colours and the style sheet: high contrast, large type, readable across a hall."""

from __future__ import annotations

# WCAG AA or better for text on its background (contrast ratios noted).
INK = "#1a1a1a"  # on PAPER: 16.6:1
PAPER = "#ffffff"
BRAND = "#0b4f8a"  # white on it: 8.3:1
BRAND_DARK = "#083b68"
ACCENT = "#f2b705"  # INK on it: 10.5:1
MUTED = "#4a5560"  # on PAPER: 7.6:1
DISABLED_BG = "#e6e8eb"
DISABLED_INK = "#5c6670"  # on DISABLED_BG: 5.0:1
ALERT_BG = "#b00020"  # white on it: 7.1:1
OK_BG = "#1b6e3a"  # white on it: 6.4:1

STYLE_SHEET = f"""
QWidget {{ color: {INK}; background: {PAPER}; }}
QLabel {{ background: transparent; }}
QLabel#title {{ font-size: 40px; font-weight: bold; color: {BRAND_DARK}; }}
QLabel#subtitle {{ font-size: 26px; color: {MUTED}; }}
QLabel#hallName {{ font-size: 28px; font-weight: bold; color: white; }}
QWidget#header {{ background: {BRAND}; }}
QWidget#header QLabel {{ color: white; }}
QLabel#banner {{
    background: {ALERT_BG}; color: white; font-size: 28px; font-weight: bold; padding: 18px;
}}
QLabel#notice {{
    background: {ACCENT}; color: {INK}; font-size: 26px; font-weight: bold; padding: 16px;
}}
QPushButton {{
    background: {BRAND}; color: white; border: none; border-radius: 14px;
    font-size: 28px; font-weight: bold; padding: 16px 28px; min-height: 72px;
}}
QPushButton:pressed {{ background: {BRAND_DARK}; }}
QPushButton:disabled {{ background: {DISABLED_BG}; color: {DISABLED_INK}; }}
QPushButton:checked {{ background: {ACCENT}; color: {INK}; }}
QPushButton#navButton {{
    background: {PAPER}; color: {BRAND_DARK}; border: 3px solid {BRAND};
    font-size: 26px; min-width: 200px;
}}
QPushButton#navButton:pressed {{ background: {DISABLED_BG}; }}
QPushButton#tile {{
    background: {PAPER}; color: {INK}; border: 3px solid {BRAND}; text-align: left;
    padding: 20px; border-radius: 18px;
}}
QPushButton#tile:pressed {{ background: #dbe8f5; }}
QPushButton#tile:disabled {{ border: 3px solid {DISABLED_BG}; background: {DISABLED_BG}; }}
QLabel[dimmed="true"] {{ color: {DISABLED_INK}; }}
QLabel[dimmed="false"] {{ color: {INK}; }}
QPushButton#reasonTile {{
    background: {PAPER}; border: 3px solid {ACCENT}; border-radius: 14px; padding: 8px;
}}
QPushButton#reasonTile:checked {{ background: {ACCENT}; }}
QPushButton#reasonTile QLabel#tileTitle {{ font-size: 24px; }}
QLabel#tileTitle {{ font-size: 30px; font-weight: bold; }}
QLabel#tileText {{ font-size: 22px; }}
QLabel#tileMeta {{ font-size: 22px; font-weight: bold; color: {BRAND_DARK}; }}
QLabel#ticketNumber {{ font-size: 200px; font-weight: bold; color: {BRAND_DARK}; }}
QLabel#ticketLine {{ font-size: 30px; }}
QLabel#ticketStatus {{ font-size: 30px; font-weight: bold; padding: 14px; border-radius: 10px; }}
"""
