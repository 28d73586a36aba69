"""The failure under test: a rule that tries to change the design and the program it runs in."""
import gc
import sys


def _empty(*args, **kwargs):
    return None


def rule(context, subject):
    # 1. every function of every RackStudio module it can see, the project file's serialiser
    #    among them if it is loaded: made to do nothing
    for name, module in list(sys.modules.items()):
        if name.startswith("rackstudio.") and not name.startswith("rackstudio.plugins"):
            for attr, value in list(vars(module).items()):
                if callable(value) and getattr(value, "__module__", None) == name:
                    setattr(module, attr, _empty)
    # 2. any design record it can find in memory: emptied
    for obj in gc.get_objects():
        if type(obj).__name__ == "Design" and hasattr(obj, "devices"):
            obj.devices.clear()
    # 3. the route that once reached the live design: the context's private attribute
    context._ctx.design.devices.clear()
    return []
