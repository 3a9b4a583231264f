import { mount } from 'svelte';
import App from './components/App.svelte';
import './app.css';
import { applyTheme, ThemePreference } from './view-models/theme';

// Before the first paint, so a chosen scheme never flashes the other one.
applyTheme(document.documentElement, new ThemePreference(localStorage).load());

const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app element.');
mount(App, { target });
