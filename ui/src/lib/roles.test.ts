import { describe, expect, it } from 'vitest';
import type { Role, Themenfeld } from '../backend';
import { editMeaning, roleDate, roleLine, roleSpan, sortRoles } from './roles';

function role(over: Partial<Role>): Role {
  return {
    id: 1,
    contact_id: 7,
    contact_name: 'Erika Beispiel',
    function: 'Referentin',
    organization_id: 3,
    organization: 'SMI Sachsen',
    level: 'land',
    land_key: '14',
    themenfeld: null,
    from: null,
    to: null,
    vacant: false,
    ...over,
  };
}

const TF: Themenfeld[] = [{ key: 'familie', name_de: 'Familie & Kind', name_en: 'Family & child' }];

describe('Korrektur oder Wechsel der Stelle? (the rule of core edit_meaning)', () => {
  const old = { role: 'Referentin', organizationId: 1 };

  it('asks only when there was a post and role or organisation changed', () => {
    expect(editMeaning(old, { role: ' Referentin ', organizationId: 1 })).toBe('unchanged');
    expect(editMeaning(old, { role: 'OZG-Koordinatorin', organizationId: 2 })).toBe('ask');
    expect(editMeaning(old, { role: 'Referentin', organizationId: 2 })).toBe('ask');
    expect(editMeaning(old, { role: 'Referent', organizationId: 1 })).toBe('ask');
    expect(editMeaning(old, { role: '', organizationId: null })).toBe('ask');
  });

  it('does not ask for a first post or a role that stays empty', () => {
    expect(editMeaning({ role: null, organizationId: null }, { role: 'Referentin', organizationId: null })).toBe('first');
    expect(editMeaning({ role: '  ', organizationId: null }, { role: '', organizationId: 4 })).toBe('first');
    expect(editMeaning({ role: null, organizationId: null }, { role: ' ', organizationId: null })).toBe('unchanged');
    expect(editMeaning({ role: null, organizationId: 4 }, { role: '', organizationId: 4 })).toBe('unchanged');
  });
});

describe('the span of a role', () => {
  it('reads dates of any precision as people write them', () => {
    expect(roleDate('2024', 'de')).toBe('2024');
    expect(roleDate('2024-03', 'de')).toBe('03/2024');
    expect(roleDate('2024-03-15', 'de')).toBe('15.03.2024');
    expect(roleDate('2024-03-15', 'en')).toBe('2024-03-15');
    expect(roleDate('irgendwann', 'de')).toBe('irgendwann');
  });

  it('says "seit" while held and "von–bis" when over', () => {
    expect(roleSpan({ from: '2024-03', to: null }, 'de')).toBe('seit 03/2024');
    expect(roleSpan({ from: '2024-03', to: null }, 'en')).toBe('since 03/2024');
    expect(roleSpan({ from: '2021', to: '2024' }, 'de')).toBe('2021–2024');
    expect(roleSpan({ from: '2024', to: '2024' }, 'de')).toBe('2024');
    expect(roleSpan({ from: null, to: '2024-03-01' }, 'de')).toBe('bis 01.03.2024');
    expect(roleSpan({ from: null, to: null }, 'de')).toBe('');
  });
});

describe('the "Stellen" section', () => {
  it('lists the current role first, then the latest', () => {
    const roles = [
      role({ id: 1, from: '2015', to: '2021' }),
      role({ id: 2, from: '2021', to: '2024-03' }),
      role({ id: 3, from: '2024-03', to: null, function: 'OZG-Koordinatorin' }),
    ];
    expect(sortRoles(roles).map((r) => r.id)).toEqual([3, 2, 1]);
    expect(sortRoles([role({ id: 4, from: null, to: '2020' }), role({ id: 5, from: '2020', to: '2020' })]).map((r) => r.id)).toEqual([5, 4]);
  });

  it('shows function, organisation, span and Themenfeld as plain text', () => {
    const line = roleLine(role({ id: 3, function: 'OZG-Koordinatorin', organization: 'Sächsische Staatskanzlei', from: '2024-03', themenfeld: 'familie' }), TF, 'de');
    expect(line).toEqual({ id: 3, current: true, title: 'OZG-Koordinatorin · Sächsische Staatskanzlei', span: 'seit 03/2024', themenfeld: 'Familie & Kind' });
    expect(roleLine(role({ themenfeld: 'familie' }), TF, 'en').themenfeld).toBe('Family & child');
    expect(roleLine(role({ function: ' ', organization: 'Dataport', to: '2020' }), TF, 'de')).toMatchObject({ title: 'Dataport', current: false, span: 'bis 2020' });
    expect(roleLine(role({ function: '', organization: null }), TF, 'de').title).toBe('Stelle ohne Angaben');
    expect(roleLine(role({ function: '<b>x</b>' }), TF, 'de').title).toBe('<b>x</b> · SMI Sachsen');
  });
});
