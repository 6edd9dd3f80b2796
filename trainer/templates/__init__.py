"""Template data for the offline goldfish corpus: what people say (``inputs``) and how the fish
answers (``replies``), as small pools and composition frames written for this project.

Notation, shared by both modules: ``{name}`` is filled from the pool ``name``; ``{a|b|c}`` picks one
alternative (alternatives may hold slots, and may be empty: ``{|very }``).
"""
