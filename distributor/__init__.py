"""distributor: email press distribution for press offices."""


def __getattr__(name: str) -> str:
    """`__version__`, read from the installed metadata only when asked: importlib.metadata
    costs a command that does not print the version more than the command itself."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("distributor")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+source"


__all__ = ["__version__"]
