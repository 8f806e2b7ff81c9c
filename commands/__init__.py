"""The command surface: platform-neutral specs and handlers, one module per area."""

from commands.registry import Registry


def build_registry() -> Registry:
    """Every command, once."""
    from commands import learn, study, studymod

    registry = Registry()
    registry.extend(study.SPECS)
    registry.extend(learn.SPECS)
    registry.extend(studymod.SPECS)
    return registry
