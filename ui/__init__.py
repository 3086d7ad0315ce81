"""Kezek's windows (kiosk, desk, reception, board) and the ``kezek`` command's top floor."""
