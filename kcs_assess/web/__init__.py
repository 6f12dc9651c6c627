"""The web layer: blueprints with thin views, forms and template helpers."""
