"""The pet's world and its language-model plumbing: standard library only, runs on CPython and Pyodide."""
