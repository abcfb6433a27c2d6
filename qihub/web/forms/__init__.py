"""Forms of the web pages. They check shape only; the domain decides the rest."""
