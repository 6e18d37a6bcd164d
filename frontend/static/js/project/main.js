// The project page: my work, progress, classes and the image list.
import { ClassList } from "./classes.js";
import { ImageTable } from "./images.js";
import { Progress } from "./progress.js";
import { WorkList } from "./work.js";

const page = document.getElementById("project-page");
const project = {
  id: Number(page.dataset.projectId),
  role: page.dataset.role,
  assignment: page.dataset.assignment,
  can: {
    assign: Boolean(page.dataset.canAssign),
    delete: Boolean(page.dataset.canDelete),
    classes: Boolean(page.dataset.canClasses),
    progress: Boolean(page.dataset.canProgress),
    review: Boolean(page.dataset.canReview),
    export: Boolean(page.dataset.canExport),
  },
};

const work = new WorkList(project);
const progress = project.can.progress ? new Progress(project) : null;
const classes = new ClassList(project);
const images = new ImageTable(project, {
  changed: () => Promise.all([work.refresh(), progress && progress.refresh()]),
});
progress?.onFilter((status) => images.filterStatus(status));
classes.onChange((list) => images.setClasses(list));

await Promise.all([work.refresh(), progress?.refresh(), classes.refresh(), images.start()]);
