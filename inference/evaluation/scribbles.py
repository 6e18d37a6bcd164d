"""The deterministic scribble robot (seed 002 §5.2 and its Algorithm 2).

Largest error region → its medial axis → a radius-neighbour graph of the skeleton pixels →
connected sub-graphs with their cycles removed (minimum spanning trees) → the longest path
of all of them → a Bezier curve with that path's points as control points, drawn 3–7 px
thick. No randomness: the same prediction always gets the same scribble.

The thickness follows the region (about half its greatest depth, clamped to 3–7 px) and the
curve keeps only its longest run whose stroke fits inside the region, so a scribble never
paints pixels that are already right. Only a region too thin for a 3 px stroke gets a thinner one.
"""

from __future__ import annotations

import cv2
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra, minimum_spanning_tree
from scipy.spatial import cKDTree
from skimage.morphology import medial_axis

from inference.evaluation.errors import error_masks
from inference.masks.depth import interior_depth
from inference.prompts import Scribble

NEIGHBOUR_RADIUS = 1.5
MAX_CONTROL_POINTS = 12
MIN_THICKNESS, MAX_THICKNESS = 3, 7


def largest_error_region(
    ground_truth: np.ndarray, prediction: np.ndarray, ignore: np.ndarray | None = None
) -> tuple[np.ndarray, bool] | None:
    """The largest 8-connected false-negative or false-positive region and whether it is a false negative."""
    best: tuple[int, np.ndarray, bool] | None = None
    false_negative, false_positive = error_masks(ground_truth, prediction, ignore)
    for errors, positive in ((false_negative, True), (false_positive, False)):
        count, labels, stats, _ = cv2.connectedComponentsWithStats(errors.astype(np.uint8), connectivity=8)
        if count <= 1:
            continue
        label = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        area = int(stats[label, cv2.CC_STAT_AREA])
        if best is None or area > best[0]:
            best = (area, labels == label, positive)
    return None if best is None else (best[1], best[2])


def _longest_skeleton_path(skeleton: np.ndarray) -> np.ndarray:
    """(n, 2) float (x, y) points of the longest path through the skeleton's forest."""
    rows, cols = np.nonzero(skeleton)
    points = np.stack([cols, rows], axis=1).astype(np.float64)
    if len(points) == 1:
        return points
    pairs = np.array(sorted(cKDTree(points).query_pairs(NEIGHBOUR_RADIUS)), dtype=np.int64).reshape(-1, 2)
    weights = np.linalg.norm(points[pairs[:, 0]] - points[pairs[:, 1]], axis=1)
    graph = coo_matrix((weights, (pairs[:, 0], pairs[:, 1])), shape=(len(points), len(points))).tocsr()
    forest = minimum_spanning_tree(graph)
    forest = forest + forest.T
    count, component = connected_components(forest, directed=False)
    best_path = points[:1]
    best_length = -1.0
    for label in range(count):
        members = np.flatnonzero(component == label)
        start = int(members[0])
        far = dijkstra(forest, indices=start)
        end_a = int(members[np.argmax(far[members])])
        dist, predecessors = dijkstra(forest, indices=end_a, return_predecessors=True)
        end_b = int(members[np.argmax(dist[members])])
        if dist[end_b] <= best_length:
            continue
        best_length = float(dist[end_b])
        path = [end_b]
        while path[-1] != end_a:
            path.append(int(predecessors[path[-1]]))
        best_path = points[path[::-1]]
    return best_path


def bezier(control: np.ndarray, samples: int) -> np.ndarray:
    """(samples, 2) points of the Bezier curve with the given (n, 2) control points (de Casteljau)."""
    t = np.linspace(0.0, 1.0, samples)[:, None, None]
    layer = np.broadcast_to(control[None, :, :], (samples, *control.shape)).copy()
    while layer.shape[1] > 1:
        layer = (1.0 - t) * layer[:, :-1] + t * layer[:, 1:]
    return layer[:, 0]


def _longest_fitting_run(curve: np.ndarray, depth: np.ndarray, radius: float) -> np.ndarray:
    """The longest stretch of consecutive curve samples whose stroke stays inside the region."""
    cols = np.clip(np.round(curve[:, 0]).astype(int), 0, depth.shape[1] - 1)
    rows = np.clip(np.round(curve[:, 1]).astype(int), 0, depth.shape[0] - 1)
    fits = depth[rows, cols] >= radius + 1.0
    best_start, best_len, start = 0, 0, None
    for index, ok in enumerate([*fits.tolist(), False]):
        if ok and start is None:
            start = index
        elif not ok and start is not None:
            if index - start > best_len:
                best_start, best_len = start, index - start
            start = None
    return curve[best_start : best_start + best_len]


def scribble_in(region: np.ndarray, positive: bool) -> Scribble:
    """The robot's scribble inside one (H, W) bool error region."""
    skeleton = medial_axis(region, rng=0)
    depth = interior_depth(region)
    if not skeleton.any():
        skeleton = depth >= depth.max()
    path = _longest_skeleton_path(skeleton)
    step = max(1, int(np.ceil(len(path) / MAX_CONTROL_POINTS)))
    control = np.vstack([path[::step], path[-1:]]) if len(path) > 1 else path
    length = float(np.linalg.norm(np.diff(path, axis=0), axis=1).sum()) if len(path) > 1 else 0.0
    curve = bezier(control, max(2, int(2 * length) + 2))
    thickness = int(np.clip(round(float(depth.max()) / 2), MIN_THICKNESS, MAX_THICKNESS))
    while True:
        run = _longest_fitting_run(curve, depth, (thickness - 1) / 2)
        if len(run) or thickness == 1:
            break
        thickness -= 1
    if not len(run):
        deepest = np.unravel_index(int(np.argmax(depth)), depth.shape)
        run = np.array([[float(deepest[1]), float(deepest[0])]])
    points = tuple((float(x), float(y)) for x, y in np.round(run, 2))
    return Scribble(points=points, thickness=float(thickness), positive=positive)


def next_scribble(
    ground_truth: np.ndarray, prediction: np.ndarray, ignore: np.ndarray | None = None
) -> Scribble | None:
    """The robot's next scribble, or None when the prediction has no error left."""
    found = largest_error_region(ground_truth, prediction, ignore)
    if found is None:
        return None
    region, positive = found
    return scribble_in(region, positive)
