#!/usr/bin/python3
"""The reference side of bench/metrics.bench.js: scores every same-name pair of two folders the way
the reference implementations do, one image after another in one process, and prints one JSON
object {"images": [{"name", "psnr", "ssim"}]} (psnr null when infinite).

    /usr/bin/python3 scripts/reference/metrics_bench_reference.py rdbm|basicsr-y GT_DIR PRED_DIR

rdbm: DGSolver code/test.py (imageio.imread, cal_psnr, cal_ssim with skimage defaults).
basicsr-y: BasicSR 1.4 calculate_psnr / calculate_ssim with test_y_channel=True on cv2.imread
images (formulas re-written with cv2 in metrics_fixtures.py).
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cv2  # noqa: E402
from metrics_fixtures import basicsr_psnr, basicsr_ssim, imageio, rdbm_psnr, rdbm_ssim  # noqa: E402


def main():
    convention, gt_dir, pred_dir = sys.argv[1:4]
    out = []
    for name in sorted(os.listdir(gt_dir)):
        g, p = os.path.join(gt_dir, name), os.path.join(pred_dir, name)
        if convention == 'rdbm':
            a, b = imageio.imread(g), imageio.imread(p)
            psnr, ssim = rdbm_psnr(a, b), rdbm_ssim(a, b)
        elif convention == 'basicsr-y':
            a, b = cv2.imread(g, cv2.IMREAD_UNCHANGED), cv2.imread(p, cv2.IMREAD_UNCHANGED)
            psnr, ssim = basicsr_psnr(a, b, 0, True), basicsr_ssim(a, b, 0, True)
        else:
            raise SystemExit(f'unknown convention {convention}')
        out.append({'name': name, 'psnr': None if math.isinf(psnr) else float(psnr), 'ssim': float(ssim)})
    print(json.dumps({'images': out}))


if __name__ == '__main__':
    main()
