from .server import serve

__all__ = ["serve"]
