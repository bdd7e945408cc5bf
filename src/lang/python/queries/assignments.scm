; Assignments anywhere (`x = ...`, `x: T = ...`, `self.x = ...`, `app.conf.x = ...`).
(assignment left: (_) @target right: (_) @value) @assignment
