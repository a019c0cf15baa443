#!/usr/bin/env python3
"""Golden values for the mini-uir degradation models (src/data/degradations/*.ts).

An independent numpy / OpenCV implementation of each image-formation model, evaluated on a real
photograph crop with random parameters drawn here (numpy), so the TypeScript `apply` functions can
be checked on exactly the same parameters. Also checks the integer box downsampling of the crops.

Usage: /usr/bin/python3 scripts/reference/experiments_degradations.py data/photos/astronaut.png \
           > test/fixtures/experiments/degradations.json
"""
import json
import sys

import cv2
import numpy as np

rs = np.random.RandomState(20261123)


def photo_crop(path, x, y, w, h):
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    return bgr[y:y + h, x:x + w, ::-1].copy()  # RGB uint8, HWC


def line_kernel(length, angle, normalize):
    k = np.zeros((length, length))
    c = (length - 1) / 2
    a = np.deg2rad(angle)
    for s in np.arange(length) - c:
        k[int(np.floor(c + s * np.sin(a) + 0.5)), int(np.floor(c + s * np.cos(a) + 0.5))] = 1
    return k / k.sum() if normalize else k


def gaussian_spot(sigma):
    r = int(np.ceil(3 * sigma))
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
    return np.exp(-(xx ** 2 + yy ** 2) / (2 * sigma ** 2))


def sparse(shape, density, lo, hi):
    hit = rs.uniform(size=shape) < density
    return np.where(hit, rs.uniform(lo, hi, size=shape), 0.0).astype(np.float32)


def conv(field, kernel, border):
    return cv2.filter2D(field.astype(np.float64), -1, kernel, borderType=border)


def rain(J):
    h, w, _ = J.shape
    p = dict(angle=float(rs.uniform(65, 115)), length=7, alpha=float(rs.uniform(0.35, 0.7)), drops=sparse((h, w), 0.05, 0.5, 1))
    R = np.clip(p['alpha'] * conv(p['drops'], line_kernel(p['length'], p['angle'], False), cv2.BORDER_CONSTANT), 0, 1)[..., None]
    return p, J + R - J * R, line_kernel(p['length'], p['angle'], False)


def low_light(J):
    p = dict(gain=float(rs.uniform(0.12, 0.3)), gamma=float(rs.uniform(1.2, 1.8)), shot=float(rs.uniform(0.002, 0.008)),
             read=float(rs.uniform(1e-5, 1e-4)), noise=rs.standard_normal(J.shape).astype(np.float32))
    x = p['gain'] * J ** p['gamma']
    return p, np.clip(x + np.sqrt(p['shot'] * x + p['read']) * p['noise'], 0, 1), None


def snow(J):
    h, w, _ = J.shape
    p = dict(veil=float(rs.uniform(0.05, 0.2)), layers=[
        dict(sigma=float(rs.uniform(0.5, 0.9)), flakes=sparse((h, w), 0.03, 0.5, 1)),
        dict(sigma=float(rs.uniform(1.2, 2.0)), flakes=sparse((h, w), 0.01, 0.6, 1)),
    ])
    S = sum(conv(l['flakes'], gaussian_spot(l['sigma']), cv2.BORDER_CONSTANT) for l in p['layers'])
    S = np.clip(S, 0, 1)[..., None]
    B = J * (1 - p['veil']) + p['veil']
    return p, B + S - B * S, None


def haze(J):
    h, w, c = J.shape
    p = dict(beta=float(rs.uniform(1.0, 2.5)), airlight=[float(v) for v in rs.uniform(0.72, 0.98, size=c)],
             depth=[float(rs.uniform(0.2, 0.4)), float(rs.uniform(0.4, 0.6)), float(rs.uniform(-0.2, 0.2))])
    yy, xx = np.mgrid[0:h, 0:w]
    d = np.clip(p['depth'][0] + p['depth'][1] * (1 - yy / (h - 1)) + p['depth'][2] * (xx / (w - 1) - 0.5), 0, 1)
    t = np.exp(-p['beta'] * d)[..., None]
    return p, J * t + np.array(p['airlight']) * (1 - t), None


def motion_blur(J):
    p = dict(angle=float(rs.uniform(0, 180)), length=5, sigma=float(rs.uniform(0.002, 0.01)),
             noise=rs.standard_normal(J.shape).astype(np.float32))
    k = line_kernel(p['length'], p['angle'], True)
    blurred = cv2.filter2D(J, -1, k, borderType=cv2.BORDER_REFLECT_101)
    return p, np.clip(blurred + p['sigma'] * p['noise'], 0, 1), k


def listify(v):
    if isinstance(v, np.ndarray):
        return [float(x) for x in v.ravel()]
    if isinstance(v, dict):
        return {k: listify(x) for k, x in v.items()}
    if isinstance(v, list):
        return [listify(x) for x in v]
    return v


def main():
    path = sys.argv[1]
    crop8 = photo_crop(path, 210, 90, 20, 16)
    J = crop8.astype(np.float64) / 255
    cases = {}
    for name, fn in [('rain', rain), ('low-light', low_light), ('snow', snow), ('haze', haze), ('motion-blur', motion_blur)]:
        params, out, kernel = fn(J)
        cases[name] = dict(params=listify(params), output=listify(out), kernel=None if kernel is None else listify(kernel))
    # integer box downsampling by 3 of a 24×21 window: floor(mean + 0.5)
    window = photo_crop(path, 150, 200, 24, 21).astype(np.int64)
    blocks = window.reshape(7, 3, 8, 3, 3).sum(axis=(1, 3))
    down = np.floor((2 * blocks + 9) / 18).astype(np.int64)
    json.dump(dict(
        source=dict(photo=path.split('/')[-1], crop=[210, 90, 20, 16], generator='scripts/reference/experiments_degradations.py',
                    numpy=np.__version__, opencv=cv2.__version__),
        image=dict(width=20, height=16, channels=3, data=[int(v) for v in crop8.ravel()]),
        cases=cases,
        downsample=dict(width=24, height=21, factor=3, input=[int(v) for v in window.ravel()], output=[int(v) for v in down.ravel()]),
    ), sys.stdout)


main()
