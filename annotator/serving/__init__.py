"""The worker's model state, in one place: the engines, prepared images, the shared embedding
store, live sessions, and each class's decoder with the sessions' click-adapted copies.

Everything here lives in one process and is disposable: it is rebuilt from PostgreSQL (and the
embedding store) whenever it is missing. The interface the apps above use:

- ``engines.engine_for`` / ``engines.base_engine`` / ``engines.preload_engines``: the engine of a
  catalogue entry (``annotator.projects.engines``), built once per process;
- ``prepared.prepared_for``: an image's once-per-image state (prepare an image);
- ``predict.predict``: answer a session's step;
- ``learning.learn_after_click`` / ``learning.learn_after_accept``: learn after a step's masks were
  sent, or after an accept (the learner is registered by ``annotator.adaptation``);
- ``sessions.live_sessions``: each live session's history and current mask;
- ``decoders``: the class decoders and session copies the learner keeps;
- ``state.forget_all``: drop all of it (a test's fresh worker).

Caches are ``inference.lru.LRU``: bounded by entries or bytes. The apps import in one direction
(docs/layers.md): ``serving`` sits above ``images`` and ``annotations`` and below
``interactions``, so it knows sessions only by the fields it reads (``ServedSession``).
"""
