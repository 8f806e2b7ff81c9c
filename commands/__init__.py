"""The command surface: platform-neutral specs and handlers, one module per area."""

from commands.registry import Registry


def build_registry() -> Registry:
    """Every command, once, and the old spellings that still work in text form."""
    from commands import challenges, config, learn, moderation, moderators, standing, study
    from commands.help import help_spec

    registry = Registry()
    for module in (study, standing, learn, config, challenges, moderation, moderators):
        registry.extend(module.SPECS)
    registry.add(help_spec(registry))
    for module in (learn, config):
        for old, new in module.ALIASES:
            registry.alias(old, new)
    return registry
