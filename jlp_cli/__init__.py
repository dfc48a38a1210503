"""jlp: explore the facts of an article about Jiulongpo District, Chongqing."""

__version__ = "0.1.0"
