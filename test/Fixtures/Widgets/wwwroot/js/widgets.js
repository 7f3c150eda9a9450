export const widgets = 2;
