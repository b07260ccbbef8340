"""The Dash dashboard: figures, layout, callbacks, export."""
