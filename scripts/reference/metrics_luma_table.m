function metrics_luma_table (outfile)
  % Y of rgb2ycbcr for every uint8 triple, written as 256^3 bytes indexed [B][G][R] (R fastest).
  pkg load image
  [G, R] = ndgrid (0:255, 0:255);  % rows G, columns R
  fid = fopen (outfile, 'w');
  for b = 0:255
    img = uint8 (cat (3, R, G, b * ones (256)));
    y = rgb2ycbcr (img)(:, :, 1);
    fwrite (fid, y', 'uint8');  % transpose: Octave writes column-major, we want R fastest within a G row
  end
  fclose (fid);
end
