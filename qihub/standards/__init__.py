"""The standards catalogue: every family users meet (GB, industry, JJG/JJF, TSG, DB, T/, Q/,
ISO/IEC/EN/ASTM), canonical codes, versions and the chain between them.
Imports ``accounts``, ``reference`` and ``core``."""
