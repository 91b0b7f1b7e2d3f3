"""Quarterly business reviews: frozen snapshots, the editor, PDFs, bulk export, action items."""
