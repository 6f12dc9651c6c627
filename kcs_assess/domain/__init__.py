"""Pure domain logic: questionnaires, scoring, gaps and plans (no Flask, no SQLAlchemy)."""
