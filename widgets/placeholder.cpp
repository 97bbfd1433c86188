// placeholder until the views land
