// A native package whose binding cannot load (what a failed libtensorflow download leaves behind).
throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory (simulated)');
