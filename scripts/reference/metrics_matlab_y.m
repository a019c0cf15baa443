function metrics_matlab_y (listfile, outfile, resized_dir)
  % Reference values for the `matlab-y` convention (DiffUIR eval/SOTS.m): Y of rgb2ycbcr on uint8,
  % Wang's SSIM index (fspecial('gaussian', 11, 1.5), filter2 'valid', K = [0.01 0.03], L = 255,
  % mean2 of the map) and PSNR 20*log10(255/rmse) on that Y. When the 4th column is 1 the ground
  % truth is resized to the prediction's size first (imresize, bicubic with antialiasing) and saved
  % to resized_dir/resized-<pred name with .pred replaced by .gt>.
  % Each job line: gt<TAB>pred<TAB>crop_border<TAB>resize. Output line: psnr<TAB>ssim (%.17g).
  pkg load image
  fid = fopen (listfile, 'r');
  out = fopen (outfile, 'w');
  while true
    line = fgetl (fid);
    if ! ischar (line)
      break;
    end
    parts = strsplit (line, "\t");
    gt = imread (parts{1});
    pred = imread (parts{2});
    c = str2double (parts{3});
    if str2double (parts{4})
      [M, N, ~] = size (pred);
      gt = imresize (gt, [M N]);
      [~, name, ext] = fileparts (parts{2});
      imwrite (gt, fullfile (resized_dir, ['resized-' strrep(name, '.pred', '.gt') ext]));
    end
    if c > 0
      gt = gt(c+1:end-c, c+1:end-c, :);
      pred = pred(c+1:end-c, c+1:end-c, :);
    end
    y1 = luma (pred);
    y2 = luma (gt);
    fprintf (out, "%.17g\t%.17g\n", psnr_y (y1, y2), ssim_wang (y1, y2));
  end
  fclose (fid);
  fclose (out);
end

function y = luma (img)
  if size (img, 3) == 3
    img = rgb2ycbcr (img);
    img = img(:, :, 1);
  end
  y = img;
end

function p = psnr_y (img1, img2)
  d = double (img1) - double (img2);
  d = d(:);
  rmse = sqrt (mean (d .^ 2));
  p = 20 * log10 (255 / rmse);
end

function mssim = ssim_wang (img1, img2)
  % Z. Wang et al., "Image quality assessment: from error visibility to structural similarity",
  % IEEE TIP 2004, with the default settings of the authors' SSIM_index.m.
  window = fspecial ('gaussian', 11, 1.5);
  L = 255;
  C1 = (0.01 * L) ^ 2;
  C2 = (0.03 * L) ^ 2;
  window = window / sum (sum (window));
  img1 = double (img1);
  img2 = double (img2);
  mu1 = filter2 (window, img1, 'valid');
  mu2 = filter2 (window, img2, 'valid');
  mu1_sq = mu1 .* mu1;
  mu2_sq = mu2 .* mu2;
  mu1_mu2 = mu1 .* mu2;
  sigma1_sq = filter2 (window, img1 .* img1, 'valid') - mu1_sq;
  sigma2_sq = filter2 (window, img2 .* img2, 'valid') - mu2_sq;
  sigma12 = filter2 (window, img1 .* img2, 'valid') - mu1_mu2;
  ssim_map = ((2 * mu1_mu2 + C1) .* (2 * sigma12 + C2)) ./ ((mu1_sq + mu2_sq + C1) .* (sigma1_sq + sigma2_sq + C2));
  mssim = mean2 (ssim_map);
end
